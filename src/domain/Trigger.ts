import * as Schema from "effect/Schema"
import type { Trigger as BundleTrigger } from "./Bundle.js"
import type { HandoverConfig } from "./Config.js"
import type { QuotaReading } from "./Quota.js"

/** What on-event remembers per tool between hooks, in .handover/state/trigger.json. */
export const ToolMemory = Schema.Struct({
  /** Disarmed after an automatic capture until the window resets or usage falls below rearmBelowPercent. */
  armed: Schema.Boolean,
  /** The quota window the last automatic capture was for. */
  window: Schema.NullOr(Schema.Struct({ metric: Schema.NullOr(Schema.String), resetsAt: Schema.NullOr(Schema.String) })),
  lastCapture: Schema.NullOr(Schema.Struct({
    at: Schema.String,
    bundleId: Schema.String,
    percent: Schema.NullOr(Schema.Number),
    reason: Schema.String
  }))
})
export type ToolMemory = typeof ToolMemory.Type

export const TriggerMemory = Schema.Struct({
  tools: Schema.Record({ key: Schema.String, value: ToolMemory })
})
export type TriggerMemory = typeof TriggerMemory.Type

export const emptyMemory: TriggerMemory = { tools: {} }
export const armedTool: ToolMemory = { armed: true, window: null, lastCapture: null }

export const decodeTriggerMemory = Schema.decodeUnknownOption(Schema.parseJson(TriggerMemory))
export const encodeTriggerMemory = (memory: TriggerMemory): string => JSON.stringify(memory, null, 2) + "\n"

/** What the daemon said: a reading, or that it could not be asked at all. */
export type QuotaObservation =
  | { readonly _tag: "Reading"; readonly reading: QuotaReading }
  | { readonly _tag: "Unavailable"; readonly reason: string }

export interface TriggerInput {
  readonly tool: string
  readonly event: string
  readonly observation: QuotaObservation
  readonly memory: ToolMemory
  readonly config: HandoverConfig
  readonly nowMillis: number
}

export type TriggerDecision =
  | {
    readonly _tag: "Capture"
    readonly reason: string
    readonly trigger: Extract<BundleTrigger, { kind: "threshold" }>
    /** Memory to store once the capture has landed (bundle id and time filled in by the caller). */
    readonly window: ToolMemory["window"]
  }
  | { readonly _tag: "Skip"; readonly reason: string; readonly memory: ToolMemory }

/** Reset times computed by the daemon from "resets in N seconds" drift a little between reads. */
const sameResetTolerance = 10 * 60_000

const sameWindow = (a: NonNullable<ToolMemory["window"]>, metric: string, resetsAt: string | null): boolean => {
  if (a.metric !== metric) return false
  if (a.resetsAt === null || resetsAt === null) return a.resetsAt === resetsAt
  return Math.abs(Date.parse(a.resetsAt) - Date.parse(resetsAt)) <= sameResetTolerance
}

const hasReset = (window: ToolMemory["window"], nowMillis: number): boolean =>
  window !== null && window.resetsAt !== null && Date.parse(window.resetsAt) <= nowMillis

const level = (percent: number) => `${Math.round(percent * 10) / 10}%`

/** Only the events in trigger.events may trigger a capture; the daemon is not even asked for others. */
export const eventMayTrigger = (config: HandoverConfig, event: string): boolean =>
  (config.trigger.events as ReadonlyArray<string>).includes(event)

/**
 * The trigger policy of on-event: capture when the tool's quota is at or over the threshold (or LIMITED), at most once
 * per quota window. Unknown, stale, warm-up or error readings never count as over. When the daemon cannot be asked,
 * trigger.onUnavailable decides, also at most once until a real reading re-arms it.
 */
export const decideTrigger = (input: TriggerInput): TriggerDecision => {
  const { config, memory, observation, tool, event } = input
  const threshold = config.trigger.thresholdPercent
  if (!eventMayTrigger(config, event)) {
    return { _tag: "Skip", reason: `${event} is not in trigger.events`, memory }
  }
  if (observation._tag === "Unavailable") {
    if (config.trigger.onUnavailable !== "capture") {
      return { _tag: "Skip", reason: `openusage unavailable (${observation.reason}); trigger.onUnavailable is skip`, memory }
    }
    if (!memory.armed) {
      return { _tag: "Skip", reason: `openusage unavailable; already captured once since the last real reading`, memory }
    }
    return {
      _tag: "Capture",
      reason: `openusage unavailable (${observation.reason}) and trigger.onUnavailable is capture`,
      trigger: {
        kind: "threshold", tool, event, percent: null, metric: null, window: null, resetsAt: null, threshold,
        reason: "unavailable"
      },
      window: { metric: null, resetsAt: null }
    }
  }
  const reading = observation.reading
  if (reading._tag === "Unknown") {
    return { _tag: "Skip", reason: `quota unknown (${reading.reason}); unknown never counts as over`, memory }
  }

  // A real reading re-arms after the window the last capture was for has reset, or once usage has fallen back.
  const rearm = !memory.armed && (
    memory.window === null ||
    hasReset(memory.window, input.nowMillis) ||
    !sameWindow(memory.window, reading.metric, reading.resetsAt) ||
    reading.percent < config.trigger.rearmBelowPercent
  )
  const current: ToolMemory = rearm ? { ...memory, armed: true } : memory
  const over = reading.limited || reading.percent >= threshold
  const where = `${level(reading.percent)} of ${reading.window ?? "its"} window (${reading.metric})`
  if (!over) {
    return {
      _tag: "Skip",
      reason: `${tool} at ${where}, below the ${threshold}% threshold${rearm ? "; re-armed" : ""}`,
      memory: current
    }
  }
  if (!current.armed) {
    return {
      _tag: "Skip",
      reason: `${tool} at ${where}: already captured for this window${
        reading.resetsAt ? ` (resets ${reading.resetsAt})` : ""
      }`,
      memory: current
    }
  }
  return {
    _tag: "Capture",
    reason: reading.limited && reading.percent < threshold
      ? `${tool} reported LIMITED at ${where}`
      : `${tool} at ${where}, at or over the ${threshold}% threshold`,
    trigger: {
      kind: "threshold",
      tool,
      event,
      percent: reading.percent,
      metric: reading.metric,
      window: reading.window,
      resetsAt: reading.resetsAt,
      threshold,
      reason: reading.limited && reading.percent < threshold ? "limited" : "threshold"
    },
    window: { metric: reading.metric, resetsAt: reading.resetsAt }
  }
}

/** Memory after an automatic capture landed: disarmed for that window. */
export const afterCapture = (
  decision: Extract<TriggerDecision, { _tag: "Capture" }>,
  bundleId: string,
  atIso: string
): ToolMemory => ({
  armed: false,
  window: decision.window,
  lastCapture: { at: atIso, bundleId, percent: decision.trigger.percent, reason: decision.reason }
})

/** The title of an automatic bundle, e.g. "claude at 92% of its 5h window". */
export const autoTitle = (trigger: Extract<BundleTrigger, { kind: "threshold" }>): string => {
  if (trigger.reason === "unavailable") return `${trigger.tool}: automatic handover (openusage unavailable)`
  const percent = trigger.percent === null ? "?" : `${Math.round(trigger.percent)}%`
  const window = trigger.window ? `its ${trigger.window} window` : "its quota"
  return trigger.reason === "limited"
    ? `${trigger.tool} LIMITED at ${percent} of ${window}`
    : `${trigger.tool} at ${percent} of ${window}`
}
