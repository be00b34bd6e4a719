import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { metricPercent } from "../../src/domain/MetricPercent.js"
import type { ReadModel, UsageSnapshot } from "../../src/domain/OpenUsage.js"
import {
  describeReading,
  isQuotaMetric,
  providerForTool,
  readQuota,
  readQuotaWindows,
  type QuotaReading
} from "../../src/domain/Quota.js"
import { claudeSnapshot, codexSnapshot, readModelOf, warmupSnapshot } from "../helpers/fakeDaemon.js"

const now = "2026-11-25T17:00:00Z"
const nowMillis = Date.parse(now)
// RFC3339Nano, as the daemon writes it: two minutes before now.
const fresh = "2026-11-25T16:58:00.123456789Z"
const inOneHour = "2026-11-25T18:00:00Z"
const anHourAgo = "2026-11-25T16:00:00Z"

const read = (tool: string, model: ReadModel, maxStalenessMinutes = 15): QuotaReading =>
  readQuota({ tool, model, nowMillis, maxStalenessMinutes })

const readOne = (tool: string, ...snapshots: ReadonlyArray<UsageSnapshot>): QuotaReading =>
  read(tool, readModelOf(...snapshots))

describe("providerForTool", () => {
  it.effect.each([
    { tool: "claude", provider: "claude_code" },
    { tool: "codex", provider: "codex" },
    { tool: "gemini", provider: "gemini_cli" },
    { tool: "gemini-x", provider: undefined },
    { tool: "toString", provider: undefined }
  ])("$tool → $provider", ({ tool, provider }) => Effect.sync(() => expect(providerForTool(tool)).toBe(provider)))
})

describe("isQuotaMetric", () => {
  it.effect.each([
    { provider: "claude_code", key: "usage_five_hour", quota: true },
    { provider: "claude_code", key: "usage_seven_day", quota: true },
    { provider: "claude_code", key: "usage_seven_day_opus", quota: true },
    { provider: "claude_code", key: "usage_seven_day_haiku", quota: true },
    { provider: "claude_code", key: "cache_hit_ratio", quota: false },
    { provider: "claude_code", key: "rate_limit_primary", quota: false },
    { provider: "codex", key: "rate_limit_primary", quota: true },
    { provider: "codex", key: "rate_limit_code_review_primary", quota: true },
    { provider: "codex", key: "codex_credit_percent_used", quota: true },
    { provider: "codex", key: "ai_code_percentage", quota: false },
    { provider: "gemini_cli", key: "quota", quota: true },
    { provider: "gemini_cli", key: "quota_models_low", quota: false },
    { provider: "cursor", key: "composer_context_pct", quota: false }
  ])("$provider $key → $quota", ({ provider, key, quota }) =>
    Effect.sync(() => expect(isQuotaMetric(provider, key)).toBe(quota)))
})

describe("metricPercent", () => {
  it.effect.each([
    { name: "% with used", metric: { used: 42, limit: 100, remaining: 10, unit: "%" }, percent: 42 },
    { name: "remaining over limit", metric: { limit: 200, remaining: 50, unit: "requests" }, percent: 75 },
    { name: "used over limit", metric: { limit: 50, used: 10, unit: "requests" }, percent: 20 },
    { name: "clamped above", metric: { used: 130, unit: "%" }, percent: 100 },
    { name: "clamped below", metric: { used: -3, unit: "%" }, percent: 0 },
    { name: "null fields", metric: { used: null, limit: null, remaining: null, unit: "%" }, percent: undefined },
    { name: "no limit", metric: { used: 10, unit: "requests" }, percent: undefined },
    { name: "zero limit", metric: { used: 10, limit: 0, unit: "requests" }, percent: undefined }
  ])("$name", ({ metric, percent }) => Effect.sync(() => expect(metricPercent(metric)).toBe(percent)))
})

describe("readQuota", () => {
  it.effect.each([
    { fiveHour: 89, sevenDay: 20, percent: 89, metric: "usage_five_hour", window: "5h" },
    { fiveHour: 90, sevenDay: 20, percent: 90, metric: "usage_five_hour", window: "5h" },
    { fiveHour: 91.5, sevenDay: 20, percent: 91.5, metric: "usage_five_hour", window: "5h" },
    { fiveHour: 10, sevenDay: 95, percent: 95, metric: "usage_seven_day", window: "7d" },
    { fiveHour: 100, sevenDay: 100, percent: 100, metric: "usage_five_hour", window: "5h" }
  ])("claude 5h $fiveHour / 7d $sevenDay → $percent of $metric", ({ fiveHour, sevenDay, percent, metric, window }) =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour, sevenDay, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", provider: "claude_code", accountId: "claude-code", percent, metric, window })
    }))

  it.effect("reports the reset time of the binding metric", () =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour: 92, fiveHourResetsAt: inOneHour, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", resetsAt: inOneHour, limited: false, status: "OK" })
      expect(describeReading(reading)).toBe(`claude 92% of 5h window (usage_five_hour), resets ${inOneHour}`)
    }))

  it.effect("a window whose reset has passed counts 0", () =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour: 97, sevenDay: 30, fiveHourResetsAt: anHourAgo, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", percent: 30, metric: "usage_seven_day" })
    }))

  it.effect("every window reset: Known at 0", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        claudeSnapshot({ fiveHour: 97, sevenDay: 99, fiveHourResetsAt: anHourAgo, sevenDayResetsAt: anHourAgo, timestamp: fresh })
      )
      expect(reading).toMatchObject({ _tag: "Known", percent: 0 })
    }))

  it.effect("reads resets keyed <metric>_reset as well", () =>
    Effect.sync(() => {
      const snapshot = claudeSnapshot({ fiveHour: 97, sevenDay: 10, timestamp: fresh })
      const reading = readOne("claude", { ...snapshot, resets: { usage_five_hour_reset: anHourAgo } })
      expect(reading).toMatchObject({ _tag: "Known", percent: 10, metric: "usage_seven_day", resetsAt: null })
    }))

  it.effect("a non-quota % metric at 100% is ignored", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        claudeSnapshot({
          fiveHour: 12,
          sevenDay: 3,
          timestamp: fresh,
          extraMetrics: {
            cache_hit_ratio: { used: 100, unit: "%", window: "1d" },
            ai_code_percentage: { used: 100, limit: 100, unit: "%" },
            composer_context_pct: { used: 100, unit: "%" }
          }
        })
      )
      expect(reading).toMatchObject({ _tag: "Known", percent: 12, metric: "usage_five_hour" })
    }))

  it.effect("a model variant of the 7d window can bind", () =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour: 40, sevenDay: 50, sevenDayOpus: 93, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", percent: 93, metric: "usage_seven_day_opus", window: "7d" })
    }))

  it.effect.each([
    { name: "stale by an hour", timestamp: anHourAgo, reason: "snapshot is 60 min old" },
    { name: "just inside the limit", timestamp: "2026-11-25T16:45:00Z", reason: undefined },
    { name: "unparseable", timestamp: "yesterday", reason: 'unparseable snapshot timestamp "yesterday"' }
  ])("timestamp $name", ({ timestamp, reason }) =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour: 99, timestamp }))
      if (reason === undefined) expect(reading).toMatchObject({ _tag: "Known", percent: 99 })
      else expect(reading).toEqual({ _tag: "Unknown", tool: "claude", provider: "claude_code", reason })
    }))

  it.effect("a snapshot without timestamp is Unknown", () =>
    Effect.sync(() => {
      const { timestamp: _omitted, ...snapshot } = claudeSnapshot({ fiveHour: 99 })
      expect(readOne("claude", snapshot)).toMatchObject({ _tag: "Unknown", reason: "snapshot has no timestamp" })
    }))

  it.effect("a warm-up placeholder is Unknown", () =>
    Effect.sync(() => {
      const reading = readOne("claude", warmupSnapshot("claude_code"))
      expect(reading).toEqual({ _tag: "Unknown", tool: "claude", provider: "claude_code", reason: "warm-up placeholder" })
      expect(describeReading(reading)).toBe("claude quota unknown: warm-up placeholder")
    }))

  it.effect("a snapshot without telemetry_root is Unknown", () =>
    Effect.sync(() => {
      const { attributes: _omitted, ...snapshot } = claudeSnapshot({ fiveHour: 99, timestamp: fresh })
      expect(readOne("claude", snapshot)).toMatchObject({ _tag: "Unknown", reason: "snapshot not hydrated (no telemetry_root)" })
    }))

  it.effect.each([
    { status: "AUTH_REQUIRED", message: "OAuth token expired", reason: "status AUTH_REQUIRED: OAuth token expired" },
    { status: "ERROR", message: "usage API returned 500", reason: "status ERROR: usage API returned 500" },
    { status: "UNSUPPORTED", message: undefined, reason: "status UNSUPPORTED" }
  ])("status $status is Unknown", ({ status, message, reason }) =>
    Effect.sync(() => {
      const reading = readOne("claude", claudeSnapshot({ fiveHour: 99, timestamp: fresh, status, ...(message ? { message } : {}) }))
      expect(reading).toEqual({ _tag: "Unknown", tool: "claude", provider: "claude_code", reason })
    }))

  it.effect("LIMITED is limited with its own percent, even below any threshold", () =>
    Effect.sync(() => {
      const reading = readOne("codex", codexSnapshot({ primary: 40, secondary: 20, status: "LIMITED", timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", limited: true, percent: 40, metric: "rate_limit_primary", status: "LIMITED" })
      expect(describeReading(reading)).toMatch(/^codex LIMITED at 40% of 5h window \(rate_limit_primary\), resets /)
    }))

  it.effect("a Known snapshot without allow-listed metrics is Unknown", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        claudeSnapshot({ fiveHour: null, sevenDay: null, timestamp: fresh, extraMetrics: { cache_hit_ratio: { used: 100, unit: "%" } } })
      )
      expect(reading).toMatchObject({ _tag: "Unknown", reason: "no quota metrics" })
    }))

  it.effect("of two accounts the worst counts", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        claudeSnapshot({ accountId: "claude-work", fiveHour: 35, timestamp: fresh }),
        claudeSnapshot({ accountId: "claude-code", fiveHour: 88, timestamp: fresh })
      )
      expect(reading).toMatchObject({ _tag: "Known", accountId: "claude-code", percent: 88 })
    }))

  it.effect("of two accounts a LIMITED one beats a higher percent", () =>
    Effect.sync(() => {
      const reading = readOne(
        "codex",
        codexSnapshot({ accountId: "codex-a", primary: 95, timestamp: fresh }),
        codexSnapshot({ accountId: "codex-b", primary: 60, status: "LIMITED", timestamp: fresh })
      )
      expect(reading).toMatchObject({ _tag: "Known", accountId: "codex-b", limited: true, percent: 60 })
    }))

  it.effect("of two equal accounts the first account id wins, whatever the order", () =>
    Effect.sync(() => {
      const a = claudeSnapshot({ accountId: "a", fiveHour: 50, timestamp: fresh })
      const b = claudeSnapshot({ accountId: "b", fiveHour: 50, timestamp: fresh })
      expect(readOne("claude", b, a)).toMatchObject({ accountId: "a" })
      expect(readOne("claude", a, b)).toMatchObject({ accountId: "a" })
    }))

  it.effect("a usable account beats an unusable one", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        claudeSnapshot({ accountId: "claude-old", fiveHour: 99, timestamp: anHourAgo }),
        claudeSnapshot({ accountId: "claude-code", fiveHour: 20, timestamp: fresh })
      )
      expect(reading).toMatchObject({ _tag: "Known", accountId: "claude-code", percent: 20 })
    }))

  it.effect("with no usable account the most informative reason wins", () =>
    Effect.sync(() => {
      const reading = readOne(
        "claude",
        warmupSnapshot("claude_code", "claude-a"),
        claudeSnapshot({ accountId: "claude-b", timestamp: anHourAgo }),
        claudeSnapshot({ accountId: "claude-c", status: "AUTH_REQUIRED", message: "log in again", timestamp: fresh })
      )
      expect(reading).toMatchObject({ _tag: "Unknown", reason: "status AUTH_REQUIRED: log in again" })
    }))

  it.effect("codex remaining-based metric (no used)", () =>
    Effect.sync(() => {
      const snapshot = codexSnapshot({ primary: 10, secondary: 10, timestamp: fresh })
      const reading = readOne("codex", {
        ...snapshot,
        metrics: { ...snapshot.metrics, rate_limit_secondary: { limit: 100, remaining: 6, unit: "requests", window: "7d" } }
      })
      expect(reading).toMatchObject({ _tag: "Known", percent: 94, metric: "rate_limit_secondary", window: "7d" })
    }))

  it.effect.each([
    { primary: 10, secondary: 91, percent: 91, metric: "rate_limit_secondary", status: "NEAR_LIMIT", limited: false },
    { primary: 100, secondary: 50, percent: 100, metric: "rate_limit_primary", status: "LIMITED", limited: true },
    { primary: 3, secondary: 1, percent: 3, metric: "rate_limit_primary", status: "OK", limited: false }
  ])("codex primary $primary / secondary $secondary", ({ primary, secondary, percent, metric, status, limited }) =>
    Effect.sync(() => {
      const reading = readOne("codex", codexSnapshot({ primary, secondary, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", provider: "codex", accountId: "codex-cli", percent, metric, status, limited })
    }))

  it.effect("codex credits count as quota", () =>
    Effect.sync(() => {
      const reading = readOne("codex", codexSnapshot({ primary: 10, secondary: 10, creditPercentUsed: 97, timestamp: fresh }))
      expect(reading).toMatchObject({ _tag: "Known", percent: 97, metric: "codex_credit_percent_used" })
    }))

  it.effect("only the tool's provider counts", () =>
    Effect.sync(() => {
      const model = readModelOf(claudeSnapshot({ fiveHour: 99, timestamp: fresh }), codexSnapshot({ primary: 5, timestamp: fresh }))
      expect(read("codex", model)).toMatchObject({ _tag: "Known", provider: "codex", percent: 5 })
      expect(read("gemini", model)).toEqual({ _tag: "Unknown", tool: "gemini", provider: "gemini_cli", reason: "no snapshot for gemini_cli" })
    }))

  it.effect("an unknown tool is Unknown", () =>
    Effect.sync(() => {
      const reading = read("gemini-x", readModelOf(claudeSnapshot({ timestamp: fresh })))
      expect(reading).toEqual({ _tag: "Unknown", tool: "gemini-x", provider: null, reason: "unknown tool gemini-x" })
    }))

  it.effect("no snapshots at all is Unknown", () =>
    Effect.sync(() => {
      expect(read("codex", { snapshots: {} })).toEqual({
        _tag: "Unknown",
        tool: "codex",
        provider: "codex",
        reason: "no snapshot for codex"
      })
    }))
})

describe("readQuotaWindows (the quota meter's rows)", () => {
  const windows = (tool: string, ...snapshots: ReadonlyArray<UsageSnapshot>) =>
    readQuotaWindows({ tool, model: readModelOf(...snapshots), nowMillis, maxStalenessMinutes: 15 })

  it("lists every quota window of the tool in metric order, a reset one at 0%, never other % metrics", () => {
    const snapshot = claudeSnapshot({
      fiveHour: 97,
      sevenDay: 30,
      sevenDaySonnet: 41,
      fiveHourResetsAt: anHourAgo,
      sevenDayResetsAt: inOneHour,
      timestamp: fresh,
      extraMetrics: { cache_hit_ratio: { used: 100, unit: "%" } }
    })
    expect(windows("claude", snapshot)).toEqual([
      { metric: "usage_five_hour", window: "5h", percent: 0, resetsAt: anHourAgo },
      { metric: "usage_seven_day", window: "7d", percent: 30, resetsAt: inOneHour },
      { metric: "usage_seven_day_sonnet", window: "7d", percent: 41, resetsAt: inOneHour }
    ])
  })

  it("takes each window's worst over the accounts, and skips snapshots readQuota cannot use", () => {
    const rows = windows(
      "codex",
      codexSnapshot({ accountId: "codex-a", primary: 95, secondary: 10, timestamp: fresh }),
      codexSnapshot({ accountId: "codex-b", primary: 60, secondary: 70, timestamp: fresh }),
      codexSnapshot({ accountId: "codex-old", primary: 100, secondary: 100, timestamp: anHourAgo }),
      warmupSnapshot("codex", "codex-warm")
    )
    expect(rows.map((row) => [row.metric, row.percent])).toEqual([["rate_limit_primary", 95], ["rate_limit_secondary", 70]])
  })

  it("is empty when nothing is known: no snapshot, or an unknown tool", () => {
    expect(windows("claude", codexSnapshot({ timestamp: fresh }))).toEqual([])
    expect(windows("nobody", claudeSnapshot({ timestamp: fresh }))).toEqual([])
  })
})
