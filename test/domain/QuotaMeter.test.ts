import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import type { QuotaWindow } from "../../src/domain/Quota.js"
import { meterBar, probeLines, renderQuotaMeter, resetIn } from "../../src/domain/QuotaMeter.js"
import { ansiStyle, plainStyle } from "../../src/domain/Style.js"

const now = DateTime.unsafeMake("2026-11-25T17:00:00Z")
const nowMillis = DateTime.toEpochMillis(now)
const later = (parts: Partial<DateTime.DateTime.PartsForMath>) => DateTime.formatIso(DateTime.add(now, parts))

const window = (metric: string, label: string | null, percent: number, resetsAt: string | null): QuotaWindow => ({
  metric,
  window: label,
  percent,
  resetsAt
})

describe("resetIn", () => {
  it.effect("says when a window resets, from the clock's now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const at = (parts: Partial<DateTime.DateTime.PartsForMath>) =>
        Effect.map(Clock.currentTimeMillis, (millis) => resetIn(DateTime.toEpochMillis(DateTime.add(now, parts)), millis))
      expect(yield* at({ hours: 1, minutes: 12 })).toBe("in 1h 12m")
      expect(yield* at({ minutes: 12, seconds: 59 })).toBe("in 12m")
      expect(yield* at({ seconds: 30 })).toBe("in under a minute")
      expect(yield* at({ days: 3, hours: 4, minutes: 30 })).toBe("in 3d 4h")
      expect(yield* at({ hours: 24 })).toBe("in 1d 0h")
      expect(yield* at({})).toBe("reset")
      // The clock moves on: the same reset time comes closer.
      yield* TestClock.adjust("72 minutes")
      expect(yield* at({ hours: 1, minutes: 12, seconds: 40 })).toBe("in under a minute")
      yield* TestClock.adjust("1 minute")
      expect(yield* at({ hours: 1, minutes: 12 })).toBe("reset")
    }))
})

describe("meterBar", () => {
  it("fills the used share and marks the threshold's cell", () => {
    expect(meterBar(42, 90, 10, plainStyle)).toBe("████░░░░░│")
    expect(meterBar(0, 90, 10, plainStyle)).toBe("░░░░░░░░░│")
    expect(meterBar(100, 90, 10, plainStyle)).toBe("█████████│")
    expect(meterBar(60, 50, 20, plainStyle)).toBe("██████████│█░░░░░░░░")
    // Past 100 or below 0 (never read, but never drawn wider either).
    expect(meterBar(250, 90, 10, plainStyle)).toHaveLength(10)
  })

  it("is green under the threshold, yellow within 15 points of it, red at or over it", () => {
    expect(meterBar(42, 90, 10, ansiStyle)).toContain("\x1b[32m████\x1b[39m")
    expect(meterBar(80, 90, 10, ansiStyle)).toContain("\x1b[33m████████\x1b[39m")
    expect(meterBar(95, 90, 10, ansiStyle)).toContain("\x1b[31m█████████\x1b[39m")
  })
})

describe("renderQuotaMeter", () => {
  const tools = [
    {
      tool: "claude",
      windows: [
        window("usage_five_hour", "5h", 92, later({ hours: 1, minutes: 12 })),
        window("usage_seven_day", "7d", 15, later({ days: 3, hours: 4 }))
      ],
      limited: false
    },
    { tool: "codex", windows: [window("rate_limit_primary", "5h", 30, null)], limited: true }
  ]

  it("draws one row per tool and window: bar, used percent, reset time, metric", () => {
    expect(renderQuotaMeter({ tools, thresholdPercent: 90, nowMillis, columns: 120, style: plainStyle })).toEqual([
      "  claude  5h  ███████████████████████████│░░  92%  resets in 1h 12m  usage_five_hour",
      "  claude  7d  █████░░░░░░░░░░░░░░░░░░░░░░│░░  15%  resets in 3d 4h   usage_seven_day",
      "  codex   5h  █████████░░░░░░░░░░░░░░░░░░│░░  30%                    rate_limit_primary  LIMITED"
    ])
  })

  it("shrinks the bar to fit a narrow terminal, down to 10 cells", () => {
    const narrow = renderQuotaMeter({ tools, thresholdPercent: 90, nowMillis, columns: 80, style: plainStyle })
    expect(narrow[0]).toBe("  claude  5h  ███████████│░  92%  resets in 1h 12m  usage_five_hour")
    expect(Math.max(...narrow.map((row) => row.length))).toBe(79)
    const [tiny] = renderQuotaMeter({ tools, thresholdPercent: 90, nowMillis, columns: 40, style: plainStyle })
    expect(tiny).toBe("  claude  5h  █████████│  92%  resets in 1h 12m  usage_five_hour")
  })

  it("shows over-threshold use and LIMITED in red, when styled", () => {
    const rows = renderQuotaMeter({ tools, thresholdPercent: 90, nowMillis, columns: 120, style: ansiStyle })
    expect(rows[0]).toContain("\x1b[31m92%\x1b[39m")
    expect(rows[1]).not.toContain("\x1b[31m")
    expect(rows[2]).toContain("\x1b[31mLIMITED\x1b[39m")
  })

  it("escapes what the daemon names: window labels and metrics", () => {
    const hostile = [{ tool: "codex", windows: [window("rate_limit_\x1b[2J", "5h\x1b]0;x\x07", 10, null)], limited: false }]
    const [row] = renderQuotaMeter({ tools: hostile, thresholdPercent: 90, nowMillis, columns: 120, style: plainStyle })
    expect(row).not.toMatch(/[\x00-\x1f]/)
    expect(row).toContain("5h\\x1b]0;x\\x07")
    expect(row).toContain("rate_limit_\\x1b[2J")
  })
})

describe("probeLines", () => {
  const probe = {
    socketPath: "/run/openusage.sock",
    health: { daemonVersion: "0.24.4", apiVersion: "v1" },
    tools: [
      {
        description: "claude 42% of 5h window (usage_five_hour)",
        meter: { tool: "claude", windows: [window("usage_five_hour", "5h", 42, null)], limited: false }
      },
      { description: "cursor: quota unknown (no snapshot)", meter: { tool: "cursor", windows: [], limited: false } }
    ],
    nowMillis
  }
  const terminal = { isTTY: true, columns: 120, style: plainStyle }

  it("on a terminal: a bar per known window, the text for a tool with none", () => {
    const lines = probeLines(probe, 90, terminal)
    expect(lines[0]).toBe("Daemon: /run/openusage.sock — ok (daemon 0.24.4, api v1)")
    expect(lines[1]).toMatch(/^ {2}claude {2}5h {2}█+│?░*│?░* {2}42%/)
    expect(lines.slice(2)).toEqual(["  cursor: quota unknown (no snapshot)"])
  })

  it("piped: every reading as text, no bar; a daemon that could not be asked says so", () => {
    expect(probeLines(probe, 90, { ...terminal, isTTY: false })).toEqual([
      "Daemon: /run/openusage.sock — ok (daemon 0.24.4, api v1)",
      "  claude 42% of 5h window (usage_five_hour)",
      "  cursor: quota unknown (no snapshot)"
    ])
    expect(probeLines({ ...probe, health: null, tools: [] }, 90, { ...terminal, isTTY: false }))
      .toEqual(["Daemon: /run/openusage.sock — unavailable"])
  })
})
