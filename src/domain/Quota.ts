import { agentById, agentByProvider } from "./agents/registry.js"
import { metricPercent } from "./MetricPercent.js"
import type { ReadModel, UsageSnapshot } from "./OpenUsage.js"

// Quota normalisation: from the daemon's read model to one reading per tool (see the protocol reference).

/** The openusage provider that reports a tool's quota, as its adapter says. */
export const providerForTool = (tool: string): string | undefined => agentById(tool)?.quota?.provider

/** Whether a metric of the provider is quota (each adapter allow-lists its provider's quota metrics). */
export const isQuotaMetric = (provider: string, key: string): boolean => {
  const allowed = agentByProvider(provider)?.quota
  if (!allowed) return false
  return allowed.exact.includes(key) || allowed.prefixes.some((prefix) => key.startsWith(prefix))
}


export interface KnownQuota {
  readonly _tag: "Known"
  readonly tool: string
  readonly provider: string
  readonly accountId: string
  /** Used percent of the binding metric, 0..100. */
  readonly percent: number
  readonly metric: string
  readonly window: string | null
  readonly resetsAt: string | null
  /** The daemon says the account is rate limited, whatever the percent. */
  readonly limited: boolean
  readonly status: string
}

export interface UnknownQuota {
  readonly _tag: "Unknown"
  readonly tool: string
  readonly provider: string | null
  readonly reason: string
}

export type QuotaReading = KnownQuota | UnknownQuota

export interface ReadQuotaInput {
  readonly tool: string
  readonly model: ReadModel
  readonly nowMillis: number
  readonly maxStalenessMinutes: number
}

// When no snapshot is usable, the reason that tells the user most wins: a login problem beats a stale snapshot,
// which beats a snapshot that is still warming up.
const Informativeness = {
  WarmUp: 0,
  NotHydrated: 1,
  NoTimestamp: 2,
  NoQuotaMetrics: 3,
  Stale: 4,
  Status: 5
} as const
type Informativeness = (typeof Informativeness)[keyof typeof Informativeness]

interface Unusable {
  readonly _tag: "Unusable"
  readonly rank: Informativeness
  readonly reason: string
}

const unusable = (rank: Informativeness, reason: string): Unusable => ({ _tag: "Unusable", rank, reason })

const unusableStatuses: ReadonlyArray<string> = ["UNKNOWN", "ERROR", "AUTH_REQUIRED", "UNSUPPORTED"]

// The reference keys resets like their metric; some providers (gemini_cli) append "_reset", so both are read.
const resetOf = (snapshot: UsageSnapshot, key: string): string | null =>
  snapshot.resets?.[key] ?? snapshot.resets?.[`${key}_reset`] ?? null

/** One quota metric of a snapshot: a window of the tool's quota and how much of it is used. */
export interface QuotaWindow {
  readonly metric: string
  /** The daemon's label of the window ("5h", "7d"), when it gives one. */
  readonly window: string | null
  /** Used percent, 0..100; 0 once the window has reset. */
  readonly percent: number
  readonly resetsAt: string | null
}

/** The quota windows of a snapshot, in metric key order, or why the snapshot cannot be used. */
const snapshotWindows = (
  snapshot: UsageSnapshot,
  nowMillis: number,
  maxStalenessMinutes: number
): ReadonlyArray<QuotaWindow> | Unusable => {
  const hydrated = snapshot.attributes?.["telemetry_root"] !== undefined
  if (snapshot.status === "UNKNOWN" && !hydrated) return unusable(Informativeness.WarmUp, "warm-up placeholder")
  if (unusableStatuses.includes(snapshot.status)) {
    const message = snapshot.message?.trim()
    return unusable(Informativeness.Status, `status ${snapshot.status}${message ? `: ${message}` : ""}`)
  }
  if (!hydrated) return unusable(Informativeness.NotHydrated, "snapshot not hydrated (no telemetry_root)")
  if (snapshot.timestamp === undefined) return unusable(Informativeness.NoTimestamp, "snapshot has no timestamp")
  const takenAt = Date.parse(snapshot.timestamp)
  if (Number.isNaN(takenAt)) {
    return unusable(Informativeness.NoTimestamp, `unparseable snapshot timestamp ${JSON.stringify(snapshot.timestamp)}`)
  }
  const ageMinutes = (nowMillis - takenAt) / 60_000
  if (ageMinutes > maxStalenessMinutes) {
    return unusable(Informativeness.Stale, `snapshot is ${Math.floor(ageMinutes)} min old`)
  }

  const windows: Array<QuotaWindow> = []
  for (const key of Object.keys(snapshot.metrics).sort()) {
    if (!isQuotaMetric(snapshot.provider_id, key)) continue
    const metric = snapshot.metrics[key]!
    const measured = metricPercent(metric)
    if (measured === undefined) continue
    const resetsAt = resetOf(snapshot, key)
    const resetMillis = resetsAt === null ? Number.NaN : Date.parse(resetsAt)
    // A window that has already reset no longer holds the usage the snapshot measured before it.
    const percent = resetMillis <= nowMillis ? 0 : measured
    windows.push({ metric: key, window: metric.window ?? null, percent, resetsAt })
  }
  if (windows.length === 0) return unusable(Informativeness.NoQuotaMetrics, "no quota metrics")
  return windows
}

const readSnapshot = (
  tool: string,
  snapshot: UsageSnapshot,
  nowMillis: number,
  maxStalenessMinutes: number
): KnownQuota | Unusable => {
  const windows = snapshotWindows(snapshot, nowMillis, maxStalenessMinutes)
  if ("_tag" in windows) return windows
  // Windows are in key order, so on a tie the alphabetically first metric stays binding.
  const binding = windows.reduce((worst, window) => (window.percent > worst.percent ? window : worst))
  return {
    _tag: "Known",
    tool,
    provider: snapshot.provider_id,
    accountId: snapshot.account_id,
    percent: binding.percent,
    metric: binding.metric,
    window: binding.window,
    resetsAt: binding.resetsAt,
    limited: snapshot.status === "LIMITED",
    status: snapshot.status
  }
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The worse of two readings of one provider: LIMITED first, then the higher percent, then the account id. */
const worse = (a: KnownQuota, b: KnownQuota): KnownQuota => {
  if (a.limited !== b.limited) return a.limited ? a : b
  if (a.percent !== b.percent) return a.percent > b.percent ? a : b
  return a.accountId <= b.accountId ? a : b
}

/** The snapshots of a provider, ordered by account id (then key) so that every reading is deterministic. */
const providerSnapshots = (provider: string, model: ReadModel): ReadonlyArray<UsageSnapshot> =>
  Object.entries(model.snapshots)
    .filter(([, snapshot]) => snapshot.provider_id === provider)
    .sort(([keyA, a], [keyB, b]) => compareStrings(a.account_id, b.account_id) || compareStrings(keyA, keyB))
    .map(([, snapshot]) => snapshot)

/** The quota of a tool as the daemon reports it; the worst account of its provider counts. */
export const readQuota = (input: ReadQuotaInput): QuotaReading => {
  const { tool, model, nowMillis, maxStalenessMinutes } = input
  const provider = providerForTool(tool)
  if (provider === undefined) return { _tag: "Unknown", tool, provider: null, reason: `unknown tool ${tool}` }

  const snapshots = providerSnapshots(provider, model)
  if (snapshots.length === 0) return { _tag: "Unknown", tool, provider, reason: `no snapshot for ${provider}` }

  let known: KnownQuota | undefined
  let mostInformative: Unusable | undefined
  for (const snapshot of snapshots) {
    const reading = readSnapshot(tool, snapshot, nowMillis, maxStalenessMinutes)
    if (reading._tag === "Known") known = known === undefined ? reading : worse(known, reading)
    else if (mostInformative === undefined || reading.rank > mostInformative.rank) mostInformative = reading
  }
  if (known !== undefined) return known
  return { _tag: "Unknown", tool, provider, reason: mostInformative!.reason }
}

/**
 * Every quota window of a tool that readQuota would read (usable snapshots only), in metric key order; with several
 * accounts, each window's worst. Empty when nothing is known.
 */
export const readQuotaWindows = (input: ReadQuotaInput): ReadonlyArray<QuotaWindow> => {
  const provider = providerForTool(input.tool)
  if (provider === undefined) return []
  const worst = new Map<string, QuotaWindow>()
  for (const snapshot of providerSnapshots(provider, input.model)) {
    const windows = snapshotWindows(snapshot, input.nowMillis, input.maxStalenessMinutes)
    if ("_tag" in windows) continue
    for (const window of windows) {
      const seen = worst.get(window.metric)
      if (seen === undefined || window.percent > seen.percent) worst.set(window.metric, window)
    }
  }
  return [...worst.values()].sort((a, b) => compareStrings(a.metric, b.metric))
}

/** 92%, 42.5%. */
export const formatPercent = (percent: number): string => `${Math.round(percent * 10) / 10}%`

/** One line for people, e.g. "claude 92% of 5h window (usage_five_hour), resets 2026-11-25T18:00:00Z". */
export const describeReading = (reading: QuotaReading): string => {
  if (reading._tag === "Unknown") return `${reading.tool} quota unknown: ${reading.reason}`
  const limited = reading.limited ? " LIMITED at" : ""
  const window = reading.window ? ` of ${reading.window} window` : ""
  const resets = reading.resetsAt ? `, resets ${reading.resetsAt}` : ""
  return `${reading.tool}${limited} ${formatPercent(reading.percent)}${window} (${reading.metric})${resets}`
}
