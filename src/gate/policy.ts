// The hook gate's decisions, as pure functions over plain JSON: no `effect` import, so that the gate decides the hooks'
// common case before the Effect runtime is loaded. Each function is a conservative copy of a part of the full CLI's
// policy (named in its comment); `undefined` means "not sure", and the caller then hands over to the full CLI.
// test/gate/policy.test.ts proves that whenever these say skip, the full policy skips too, with the same event line.
// Only effect-free domain modules may be imported here.
import { metricPercent } from "../domain/MetricPercent.js"

/** The quota allow-lists of src/domain/agents (QuotaSource), for the tools whose hooks the gate settles. */
export const gateQuotaSources: Readonly<Record<string, { provider: string; exact: ReadonlyArray<string>; prefixes: ReadonlyArray<string> }>> = {
  claude: { provider: "claude_code", exact: ["usage_five_hour", "usage_seven_day"], prefixes: ["usage_seven_day_"] },
  codex: { provider: "codex", exact: ["codex_credit_percent_used"], prefixes: ["rate_limit_"] },
  gemini: { provider: "gemini_cli", exact: ["quota", "quota_pro", "quota_flash"], prefixes: [] },
  copilot: { provider: "copilot", exact: ["premium_interactions_quota", "chat_quota", "completions_quota"], prefixes: [] },
  cursor: { provider: "cursor", exact: ["plan_percent_used", "plan_auto_percent_used", "plan_api_percent_used"], prefixes: [] }
}

/** SessionStartFormat of src/domain/ResumeContext.ts: what `session-start --format` accepts. */
export const gateSessionStartFormats: ReadonlyArray<string> = ["plain", "claude", "codex", "gemini", "qwen", "copilot", "cursor"]

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const isNumber = (value: unknown): value is number => typeof value === "number"
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value)
const optional = (value: Json, key: string, check: (field: unknown) => boolean): boolean =>
  !Object.hasOwn(value, key) || check(value[key])
const isString = (value: unknown): value is string => typeof value === "string"
/** A record as Schema.Record decodes it; a "__proto__" key is left to the full CLI. */
const isRecordOf = (value: unknown, check: (field: unknown) => boolean): value is Json =>
  isObject(value) && !Object.hasOwn(value, "__proto__") && Object.values(value).every(check)

// --- the configuration (src/domain/Config.ts) ---------------------------------------------------------------------

export interface GateConfig {
  readonly thresholdPercent: number
  readonly events: ReadonlyArray<string>
  readonly onUnavailable: "skip" | "capture"
  readonly socketPath: string | null
  readonly timeoutMs: number
  readonly maxStalenessMinutes: number
}

const isPercent = (value: unknown) => isFiniteNumber(value) && value >= 0 && value <= 100
const isPositiveInt = (value: unknown) => isNumber(value) && Number.isInteger(value) && value > 0
const hookEvents = ["SessionStart", "UserPromptSubmit", "Stop"]

/** Every key of HandoverConfig with the check of its value; "$schema" is ignored at any level, as the CLI does. */
const configShape: Record<string, Record<string, (value: unknown) => boolean> | ((value: unknown) => boolean)> = {
  trigger: {
    thresholdPercent: isPercent,
    events: (value) => Array.isArray(value) && value.every((event) => hookEvents.includes(event as string)),
    onUnavailable: (value) => value === "skip" || value === "capture",
    rearmBelowPercent: isPercent
  },
  openusage: {
    socketPath: (value) => value === null || isString(value),
    timeoutMs: isPositiveInt,
    maxStalenessMinutes: isPositiveInt
  },
  capture: {
    includeUntracked: (value) => typeof value === "boolean",
    maxPatchBytes: isPositiveInt,
    secrets: (value) => value === "warn" || value === "block" || value === "off"
  },
  bundles: { keep: isPositiveInt, expireAfterHours: isPositiveInt },
  adapters: (value) => Array.isArray(value) && value.every(isString)
}

/** The defaults of src/domain/Config.ts that the gate's decision reads. */
const defaults: GateConfig = {
  thresholdPercent: 90,
  events: ["UserPromptSubmit", "Stop"],
  onUnavailable: "skip",
  socketPath: null,
  timeoutMs: 1500,
  maxStalenessMinutes: 15
}

const validAgainst = (value: Json, shape: Record<string, (value: unknown) => boolean>): boolean =>
  Object.keys(value).every((key) => key === "$schema" || (Object.hasOwn(shape, key) && shape[key]!(value[key])))

/**
 * The effective config when .handover/config.json is a JSON object of known keys with valid values (and no HANDOVER_*
 * variable or --set adds to it: the caller checks that); undefined for anything the full CLI must judge.
 */
export const gateConfig = (text: string): GateConfig | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isObject(parsed)) return undefined
  for (const key of Object.keys(parsed)) {
    if (key === "$schema") continue
    if (!Object.hasOwn(configShape, key)) return undefined
    const shape = configShape[key]!
    const value = parsed[key]
    if (typeof shape === "function" ? !shape(value) : !(isObject(value) && validAgainst(value, shape))) return undefined
  }
  const trigger = (parsed["trigger"] ?? {}) as Json
  const openusage = (parsed["openusage"] ?? {}) as Json
  const pick = <K extends keyof GateConfig>(section: Json, key: K): GateConfig[K] =>
    (Object.hasOwn(section, key) ? section[key] : defaults[key]) as GateConfig[K]
  return {
    thresholdPercent: pick(trigger, "thresholdPercent"),
    events: pick(trigger, "events"),
    onUnavailable: pick(trigger, "onUnavailable"),
    socketPath: pick(openusage, "socketPath"),
    timeoutMs: pick(openusage, "timeoutMs"),
    maxStalenessMinutes: pick(openusage, "maxStalenessMinutes")
  }
}

// --- the hook call (src/domain/HookEvent.ts, src/commands/onEvent.ts) ----------------------------------------------

export interface GateHookCall {
  readonly tool: string
  readonly event: string
  /** The directory whose git top level the hook is about: the payload's cwd, else undefined (where the hook runs). */
  readonly cwd: string | undefined
}

/**
 * Tool, event and cwd of `on-event --tool T [--event E]` with this stdin, when no adapter could read them otherwise:
 * the tool is one the gate knows the quota of, the event a canonical name, and nothing in the payload could make
 * another tool the host (Cursor running Claude Code's hooks) or the payload malformed.
 */
export const gateHookCall = (flagTool: string, flagEvent: string | undefined, stdinText: string): GateHookCall | undefined => {
  if (!Object.hasOwn(gateQuotaSources, flagTool)) return undefined
  let payload: unknown = {}
  if (stdinText.trim() !== "") {
    try {
      payload = JSON.parse(stdinText)
    } catch {
      return undefined
    }
  }
  if (!isObject(payload)) return undefined
  // Fields by which another adapter recognises its tool's payload (src/domain/agents/*: recognises).
  if (Object.hasOwn(payload, "conversation_id")) return undefined
  const named = payload["hook_event_name"]
  if (named !== undefined && !(isString(named) && hookEvents.includes(named))) return undefined
  const event = flagEvent ?? named
  if (!isString(event) || !hookEvents.includes(event) || event === "SessionStart") return undefined
  const cwd = payload["cwd"]
  if (cwd !== undefined && !(isString(cwd) && cwd.startsWith("/"))) return undefined
  return { tool: flagTool, event, cwd }
}

// --- the daemon's answers (src/domain/OpenUsage.ts, src/layers/OpenUsageLive.ts) ----------------------------------

/** DaemonHealth decoded and its api_version compatible. */
export const gateHealthOk = (body: unknown): boolean =>
  isObject(body) &&
  ["status", "daemon_version", "integration_version"].every((key) => optional(body, key, isString)) &&
  optional(body, "api_version", (version) => version === "" || version === "v1")

const nullableNumber = (value: unknown) => value === null || isNumber(value)
const isMetric = (value: unknown) =>
  isObject(value) &&
  ["limit", "remaining", "used"].every((key) => optional(value, key, nullableNumber)) &&
  ["unit", "window"].every((key) => optional(value, key, isString))
const nullableStrings = (value: unknown) => value === null || isRecordOf(value, isString)
const isSnapshot = (value: unknown) =>
  isObject(value) && isString(value["provider_id"]) &&
  ["account_id", "timestamp", "status", "message"].every((key) => optional(value, key, isString)) &&
  optional(value, "metrics", (metrics) => isRecordOf(metrics, isMetric)) &&
  ["resets", "attributes"].every((key) => optional(value, key, nullableStrings))

interface Metric {
  readonly limit?: number | null
  readonly remaining?: number | null
  readonly used?: number | null
  readonly unit?: string
  readonly window?: string
}
interface Snapshot {
  readonly provider_id: string
  readonly account_id: string
  readonly timestamp?: string
  readonly status: string
  readonly metrics: Readonly<Record<string, Metric>>
  readonly resets?: Readonly<Record<string, string>> | null
  readonly attributes?: Readonly<Record<string, string>> | null
  readonly message?: string
}

/** ReadModel decoded (defaults filled in as the Schema does), or undefined when the full CLI would reject it. */
const gateReadModel = (body: unknown): Readonly<Record<string, Snapshot>> | undefined => {
  if (!isObject(body)) return undefined
  const snapshots = Object.hasOwn(body, "snapshots") ? body["snapshots"] : {}
  if (!isRecordOf(snapshots, isSnapshot)) return undefined
  return Object.fromEntries(Object.entries(snapshots).map(([key, raw]) => {
    const snapshot = raw as Json
    return [key, {
      ...snapshot,
      account_id: snapshot["account_id"] ?? "",
      status: snapshot["status"] ?? "UNKNOWN",
      metrics: snapshot["metrics"] ?? {}
    } as Snapshot]
  }))
}

// --- the quota reading (src/domain/Quota.ts: readQuota) --------------------------------------------------------------

export type GateReading =
  | {
    readonly _tag: "Known"
    readonly percent: number
    readonly metric: string
    readonly window: string | null
    readonly limited: boolean
    readonly accountId: string
  }
  | { readonly _tag: "Unknown"; readonly reason: string }

type Usable = Extract<GateReading, { _tag: "Known" }>
interface Unusable {
  readonly rank: number
  readonly reason: string
}

const readSnapshot = (
  source: (typeof gateQuotaSources)[string],
  snapshot: Snapshot,
  nowMillis: number,
  maxStalenessMinutes: number
): Usable | Unusable => {
  const hydrated = snapshot.attributes?.["telemetry_root"] !== undefined
  if (snapshot.status === "UNKNOWN" && !hydrated) return { rank: 0, reason: "warm-up placeholder" }
  if (["UNKNOWN", "ERROR", "AUTH_REQUIRED", "UNSUPPORTED"].includes(snapshot.status)) {
    const message = snapshot.message?.trim()
    return { rank: 5, reason: `status ${snapshot.status}${message ? `: ${message}` : ""}` }
  }
  if (!hydrated) return { rank: 1, reason: "snapshot not hydrated (no telemetry_root)" }
  if (snapshot.timestamp === undefined) return { rank: 2, reason: "snapshot has no timestamp" }
  const takenAt = Date.parse(snapshot.timestamp)
  if (Number.isNaN(takenAt)) return { rank: 2, reason: `unparseable snapshot timestamp ${JSON.stringify(snapshot.timestamp)}` }
  const ageMinutes = (nowMillis - takenAt) / 60_000
  if (ageMinutes > maxStalenessMinutes) return { rank: 4, reason: `snapshot is ${Math.floor(ageMinutes)} min old` }
  let binding: { key: string; percent: number; metric: Metric } | undefined
  for (const key of Object.keys(snapshot.metrics).sort()) {
    if (!source.exact.includes(key) && !source.prefixes.some((prefix) => key.startsWith(prefix))) continue
    const metric = snapshot.metrics[key]!
    const measured = metricPercent(metric)
    if (measured === undefined) continue
    const resetsAt = snapshot.resets?.[key] ?? snapshot.resets?.[`${key}_reset`] ?? null
    const percent = (resetsAt === null ? Number.NaN : Date.parse(resetsAt)) <= nowMillis ? 0 : measured
    if (binding === undefined || percent > binding.percent) binding = { key, percent, metric }
  }
  if (binding === undefined) return { rank: 3, reason: "no quota metrics" }
  return {
    _tag: "Known",
    percent: binding.percent,
    metric: binding.key,
    window: binding.metric.window ?? null,
    limited: snapshot.status === "LIMITED",
    accountId: snapshot.account_id
  }
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The tool's quota from a decoded read model, exactly as readQuota reads it. */
const gateReading = (
  tool: string,
  snapshots: Readonly<Record<string, Snapshot>>,
  nowMillis: number,
  maxStalenessMinutes: number
): GateReading => {
  const source = gateQuotaSources[tool]!
  const own = Object.entries(snapshots)
    .filter(([, snapshot]) => snapshot.provider_id === source.provider)
    .sort(([keyA, a], [keyB, b]) => compareStrings(a.account_id, b.account_id) || compareStrings(keyA, keyB))
  if (own.length === 0) return { _tag: "Unknown", reason: `no snapshot for ${source.provider}` }
  let known: Usable | undefined
  let mostInformative: Unusable | undefined
  for (const [, snapshot] of own) {
    const reading = readSnapshot(source, snapshot, nowMillis, maxStalenessMinutes)
    if ("_tag" in reading) {
      known = known === undefined || worse(reading, known) ? reading : known
    } else if (mostInformative === undefined || reading.rank > mostInformative.rank) mostInformative = reading
  }
  return known ?? { _tag: "Unknown", reason: mostInformative!.reason }
}

/** Whether `a` is the worse reading than the one kept so far (Quota.ts: worse keeps `b` on a full tie). */
const worse = (a: Usable, kept: Usable): boolean => {
  if (a.limited !== kept.limited) return a.limited
  if (a.percent !== kept.percent) return a.percent > kept.percent
  return !(kept.accountId <= a.accountId)
}

// --- the bundles (src/domain/Bundle.ts, src/layers/StoreLive.ts) ----------------------------------------------------

/** Whether claim.json holds a Claim as the CLI decodes it: a bundle with one is claimed, whatever its bundle.json says. */
export const gateClaimed = (text: string): boolean => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return false
  }
  return isObject(parsed) && isString(parsed["by"]) && isString(parsed["at"]) &&
    optional(parsed, "host", isString) && optional(parsed, "pid", isNumber)
}

// --- the trigger (src/domain/Trigger.ts: decideTrigger, src/workflows/OnEvent.ts) ----------------------------------

/** Whether the tool is armed in state/trigger.json as the CLI reads it (unreadable or missing: armed); undefined: unsure. */
const gateArmed = (text: string | undefined, tool: string): true | undefined => {
  if (text === undefined) return true
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return true
  }
  if (!isObject(parsed) || !isObject(parsed["tools"]) || !Object.hasOwn(parsed["tools"], tool)) return true
  const memory = parsed["tools"][tool]
  return isObject(memory) && memory["armed"] === true ? true : undefined
}

/** An outcome the full CLI logs without capturing and without changing the trigger memory. */
export interface GateSkip {
  readonly reason: string
  /** Absent when the daemon was not asked; null when the quota is unknown. */
  readonly percent?: number | null
}

/** The skip of an event that trigger.events leaves out, or undefined when the event may trigger. */
export const gateEventSkip = (config: GateConfig, event: string): GateSkip | undefined =>
  config.events.includes(event) ? undefined : { reason: `${event} is not in trigger.events` }

const level = (percent: number) => `${Math.round(percent * 10) / 10}%`

/**
 * The skip of an unknown reading, or of an armed tool's reading that is not over the threshold (a disarmed tool may be
 * re-armed, which changes the trigger memory); undefined for anything else.
 */
const gateQuotaSkip = (config: GateConfig, tool: string, reading: GateReading, armed: boolean): GateSkip | undefined => {
  if (reading._tag === "Unknown") {
    return { reason: `quota unknown (${reading.reason}); unknown never counts as over`, percent: null }
  }
  const threshold = config.thresholdPercent
  if (!armed || reading.limited || reading.percent >= threshold) return undefined
  const where = `${level(reading.percent)} of ${reading.window ?? "its"} window (${reading.metric})`
  return { reason: `${tool} at ${where}, below the ${threshold}% threshold`, percent: reading.percent }
}

/**
 * The skip of an on-event whose daemon could not be reached (`unavailable`: DaemonUnavailable's message) when
 * trigger.onUnavailable is skip; undefined when it is capture, which the trigger memory decides.
 */
const gateUnavailableSkip = (config: GateConfig, unavailable: string): GateSkip | undefined =>
  config.onUnavailable === "skip"
    ? { reason: `openusage unavailable (${unavailable}); trigger.onUnavailable is skip`, percent: null }
    : undefined

/** What the daemon told the gate once its health passed: its read model, or DaemonUnavailable's message. */
export type GateDaemonAnswer =
  | { readonly _tag: "Answered"; readonly readModel: unknown }
  | { readonly _tag: "Unreachable"; readonly message: string }

/**
 * The skip on-event logs for the daemon's answer, the trigger memory's text (undefined: none yet) and the time;
 * undefined hands over (over the threshold, a disarmed tool, onUnavailable capture, a read model it cannot read).
 */
export const gateDaemonSkip = (
  config: GateConfig,
  tool: string,
  answer: GateDaemonAnswer,
  memoryText: string | undefined,
  nowMillis: number
): GateSkip | undefined => {
  if (answer._tag === "Unreachable") return gateUnavailableSkip(config, answer.message)
  const snapshots = gateReadModel(answer.readModel)
  if (snapshots === undefined) return undefined
  const reading = gateReading(tool, snapshots, nowMillis, config.maxStalenessMinutes)
  return gateQuotaSkip(config, tool, reading, gateArmed(memoryText, tool) === true)
}

/** The line on-event appends to state/events.log for a skip (src/commands/onEvent.ts: log). */
export const gateEventLine = (atMillis: number, tool: string, event: string, skip: GateSkip): string =>
  JSON.stringify({
    at: new Date(atMillis).toISOString(),
    tool,
    event,
    action: "skipped",
    reason: skip.reason,
    ...(skip.percent === undefined ? {} : { percent: skip.percent })
  })
