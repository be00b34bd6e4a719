import { describe, expect, it } from "@effect/vitest"
import { defaultConfig, type HandoverConfig } from "../../src/domain/Config.js"
import type { KnownQuota, QuotaReading } from "../../src/domain/Quota.js"
import {
  afterCapture,
  armedTool,
  autoTitle,
  decideTrigger,
  eventMayTrigger,
  type QuotaObservation,
  type ToolMemory
} from "../../src/domain/Trigger.js"

const now = Date.parse("2026-11-25T17:00:00Z")
const resetsAt = "2026-11-25T19:00:00.000Z"

const known = (percent: number, overrides: Partial<KnownQuota> = {}): QuotaObservation => ({
  _tag: "Reading",
  reading: {
    _tag: "Known",
    tool: "claude",
    provider: "claude_code",
    accountId: "claude-code",
    percent,
    metric: "usage_five_hour",
    window: "5h",
    resetsAt,
    limited: false,
    status: "OK",
    ...overrides
  }
})

const unknown = (reason: string): QuotaObservation => ({
  _tag: "Reading",
  reading: { _tag: "Unknown", tool: "claude", provider: "claude_code", reason } satisfies QuotaReading
})

const disarmed = (window: ToolMemory["window"]): ToolMemory => ({
  armed: false,
  window,
  lastCapture: { at: "2026-11-25T16:00:00.000Z", bundleId: "20261125T160000Z-abcd", percent: 92, reason: "test" }
})

const withTrigger = (trigger: Partial<HandoverConfig["trigger"]>): HandoverConfig => ({
  ...defaultConfig,
  trigger: { ...defaultConfig.trigger, ...trigger }
})

const decide = (
  observation: QuotaObservation,
  memory: ToolMemory = armedTool,
  config: HandoverConfig = defaultConfig,
  event = "Stop",
  nowMillis = now
) => decideTrigger({ tool: "claude", event, observation, memory, config, nowMillis })

describe("decideTrigger", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly observation: QuotaObservation
    readonly memory?: ToolMemory
    readonly config?: HandoverConfig
    readonly event?: string
    readonly nowMillis?: number
    readonly expected: "Capture" | "Skip"
    readonly reason: RegExp
  }> = [
    { name: "below the threshold", observation: known(89.9), expected: "Skip", reason: /below the 90% threshold/ },
    { name: "exactly at the threshold", observation: known(90), expected: "Capture", reason: /at or over the 90%/ },
    { name: "over the threshold", observation: known(97), expected: "Capture", reason: /at or over/ },
    {
      name: "LIMITED below the threshold",
      observation: known(40, { limited: true, status: "LIMITED" }),
      expected: "Capture",
      reason: /LIMITED/
    },
    {
      name: "a custom threshold",
      observation: known(75),
      config: withTrigger({ thresholdPercent: 70 }),
      expected: "Capture",
      reason: /70% threshold/
    },
    {
      name: "an event that is not in trigger.events",
      observation: known(99),
      event: "SessionStart",
      expected: "Skip",
      reason: /not in trigger\.events/
    },
    { name: "a stale snapshot", observation: unknown("snapshot is 42 min old"), expected: "Skip", reason: /42 min old/ },
    { name: "a warm-up placeholder", observation: unknown("warm-up placeholder"), expected: "Skip", reason: /unknown/ },
    {
      name: "daemon unavailable with onUnavailable skip",
      observation: { _tag: "Unavailable", reason: "ENOENT" },
      expected: "Skip",
      reason: /onUnavailable is skip/
    },
    {
      name: "daemon unavailable with onUnavailable capture",
      observation: { _tag: "Unavailable", reason: "ENOENT" },
      config: withTrigger({ onUnavailable: "capture" }),
      expected: "Capture",
      reason: /unavailable/
    },
    {
      name: "daemon unavailable again after an unavailable capture",
      observation: { _tag: "Unavailable", reason: "ENOENT" },
      memory: disarmed({ metric: null, resetsAt: null }),
      config: withTrigger({ onUnavailable: "capture" }),
      expected: "Skip",
      reason: /already captured once/
    },
    {
      name: "over again in the window already captured",
      observation: known(96),
      memory: disarmed({ metric: "usage_five_hour", resetsAt }),
      expected: "Skip",
      reason: /already captured for this window/
    },
    {
      name: "a reset time that drifted by a few seconds is the same window",
      observation: known(96, { resetsAt: "2026-11-25T19:00:07.000Z" }),
      memory: disarmed({ metric: "usage_five_hour", resetsAt }),
      expected: "Skip",
      reason: /already captured/
    },
    {
      name: "a new window after the captured one reset",
      observation: known(93, { resetsAt: "2026-11-26T00:00:00.000Z" }),
      memory: disarmed({ metric: "usage_five_hour", resetsAt: "2026-11-25T16:30:00.000Z" }),
      expected: "Capture",
      reason: /at or over/
    },
    {
      name: "another metric binding (the 7-day window)",
      observation: known(91, { metric: "usage_seven_day", window: "7d", resetsAt: "2026-11-30T00:00:00.000Z" }),
      memory: disarmed({ metric: "usage_five_hour", resetsAt }),
      expected: "Capture",
      reason: /7d window/
    }
  ]

  for (const testCase of cases) {
    it(testCase.name, () => {
      const decision = decide(
        testCase.observation,
        testCase.memory,
        testCase.config,
        testCase.event,
        testCase.nowMillis
      )
      expect(decision._tag).toBe(testCase.expected)
      expect(decision.reason).toMatch(testCase.reason)
    })
  }

  it("records the binding metric, window, reset time and threshold in the bundle trigger", () => {
    const decision = decide(known(92))
    expect(decision._tag).toBe("Capture")
    if (decision._tag !== "Capture") return
    expect(decision.trigger).toEqual({
      kind: "threshold",
      tool: "claude",
      event: "Stop",
      percent: 92,
      metric: "usage_five_hour",
      window: "5h",
      resetsAt,
      threshold: 90,
      reason: "threshold"
    })
    expect(autoTitle(decision.trigger)).toBe("claude at 92% of its 5h window")
  })

  it("disarms after a capture, and re-arms when usage falls below rearmBelowPercent", () => {
    const first = decide(known(92))
    if (first._tag !== "Capture") throw new Error("expected a capture")
    const memory = afterCapture(first, "20261125T170000Z-0001", "2026-11-25T17:00:00.000Z")
    expect(memory.armed).toBe(false)

    const stillHigh = decide(known(70), memory)
    expect(stillHigh._tag).toBe("Skip")
    if (stillHigh._tag === "Skip") expect(stillHigh.memory.armed).toBe(false)

    const fellBack = decide(known(49), memory)
    expect(fellBack._tag).toBe("Skip")
    if (fellBack._tag === "Skip") expect(fellBack.memory.armed).toBe(true)
  })

  it("re-arms once the captured window's reset time has passed, even before the daemon reports a new one", () => {
    const memory = disarmed({ metric: "usage_five_hour", resetsAt })
    const afterReset = decide(known(95), memory, defaultConfig, "Stop", Date.parse(resetsAt) + 1000)
    expect(afterReset._tag).toBe("Capture")
  })

  it("never treats an unknown reading as over, whatever the threshold", () => {
    const decision = decide(unknown("status ERROR"), armedTool, withTrigger({ thresholdPercent: 0 }))
    expect(decision._tag).toBe("Skip")
  })
})

describe("eventMayTrigger", () => {
  it("follows trigger.events, exactly", () => {
    expect(eventMayTrigger(defaultConfig, "Stop")).toBe(true)
    expect(eventMayTrigger(defaultConfig, "UserPromptSubmit")).toBe(true)
    expect(eventMayTrigger(defaultConfig, "SessionStart")).toBe(false)
    expect(eventMayTrigger(withTrigger({ events: ["Stop"] }), "UserPromptSubmit")).toBe(false)
    expect(eventMayTrigger(defaultConfig, "stop")).toBe(false)
  })
})
