import { type Bundle, type CarriedOver, newestFirst, type Trigger } from "./Bundle.js"

// A bundle's state is never written down: it follows from the bundles beside it, its claim and the clock, so no two
// files can disagree about it and no write is needed when time alone changes it.

export type BundleState = "pending" | "claimed" | "superseded" | "expired"

export interface BundleStatus {
  readonly bundle: Bundle
  readonly state: BundleState
  /** Why it is in that state, in words: "claimed by codex at …", "superseded by …". */
  readonly reason: string
}

export interface LifecycleClock {
  readonly nowMillis: number
  readonly expireAfterHours: number
}

const minuteMillis = 60_000
const hourMillis = 3_600_000

/**
 * A capture time this far ahead of the clock is not clock skew between machines. Such a bundle.json (which a cloned
 * repository may carry) would be the newest for ever: every real capture superseded, the pending one never offered.
 */
const futureToleranceMillis = hourMillis

/** Whether the bundle says it was captured later than the clock allows; it is then read as corrupt, never as the newest. */
export const futureDated = (bundle: Bundle, nowMillis: number): boolean =>
  Date.parse(bundle.createdAt) - nowMillis > futureToleranceMillis

/** How long ago, to the minute: "less than 1 min", "12 min", "9 h 5 min", "80 h". */
export const describeAge = (millis: number): string => {
  const minutes = Math.max(0, Math.floor(millis / minuteMillis))
  const hours = Math.floor(minutes / 60)
  if (hours === 0) return minutes === 0 ? "less than 1 min" : `${minutes} min`
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}

const stateOf = (
  bundle: Bundle,
  newer: { readonly id: string; readonly note: string } | undefined,
  clock: LifecycleClock
): Omit<BundleStatus, "bundle"> => {
  if (bundle.claim !== null) {
    return { state: "claimed", reason: `claimed by ${bundle.claim.by} at ${bundle.claim.at}` }
  }
  if (newer !== undefined) return { state: "superseded", reason: `superseded by ${newer.id}, ${newer.note}` }
  const limit = `bundles.expireAfterHours (${clock.expireAfterHours} h)`
  const createdMillis = Date.parse(bundle.createdAt)
  // A createdAt that is not a time (a hand-edited or hostile bundle.json) cannot be young enough to offer.
  if (Number.isNaN(createdMillis)) return { state: "expired", reason: `its capture time is unreadable, so past ${limit}` }
  const age = clock.nowMillis - createdMillis
  if (age > clock.expireAfterHours * hourMillis) {
    return { state: "expired", reason: `captured ${describeAge(age)} ago, past ${limit}` }
  }
  return { state: "pending", reason: `the newest capture, unclaimed, captured ${describeAge(age)} ago; expires after ${clock.expireAfterHours} h` }
}

/**
 * Every bundle with its one state, newest first: claimed once claim.json exists; else superseded when a newer bundle
 * exists; else expired past bundles.expireAfterHours; else pending. So at most one bundle, the newest, is pending.
 * `unreadableNewer` is the id of a bundle newer than all of these whose bundle.json cannot be read: it supersedes them.
 */
export const bundleStates = (
  bundles: ReadonlyArray<Bundle>,
  clock: LifecycleClock,
  unreadableNewer?: string
): ReadonlyArray<BundleStatus> => {
  const sorted = [...bundles].sort(newestFirst)
  const newerThan = (index: number) => {
    const newer = sorted[index - 1]
    if (newer !== undefined) return { id: newer.id, note: `captured ${newer.createdAt}` }
    return unreadableNewer === undefined ? undefined : { id: unreadableNewer, note: "whose bundle.json cannot be read" }
  }
  return sorted.map((bundle, index) => ({ bundle, ...stateOf(bundle, newerThan(index), clock) }))
}

export interface PendingQuery extends LifecycleClock {
  readonly target?: string | undefined
}

export type PendingVerdict =
  | { readonly _tag: "Pending"; readonly bundle: Bundle }
  | { readonly _tag: "None"; readonly reason: string }

/** The pending bundle, unless it names another target tool than the asking one; otherwise why nothing is pending. */
export const findPending = (bundles: ReadonlyArray<Bundle>, query: PendingQuery): PendingVerdict => {
  const newest = bundleStates(bundles, query)[0]
  if (newest === undefined) return { _tag: "None", reason: "no bundles captured yet" }
  const { bundle, reason, state } = newest
  if (state !== "pending") {
    return { _tag: "None", reason: `the newest bundle ${bundle.id} ${state === "expired" ? "has expired:" : "was"} ${reason}` }
  }
  const wanted = bundle.target.tool
  if (query.target !== undefined && wanted !== undefined && wanted !== query.target) {
    return { _tag: "None", reason: `the newest bundle ${bundle.id} is meant for ${wanted}` }
  }
  return { _tag: "Pending", bundle }
}

/**
 * Which bundles to delete so that at most `keep` stay: claimed, superseded and expired ones, oldest first. The current
 * and the pending bundle always stay, even when they alone are more than `keep`.
 */
export const bundlesToPrune = (
  states: ReadonlyArray<BundleStatus>,
  keep: number,
  currentId: string | null
): ReadonlyArray<string> => {
  const excess = states.length - keep
  if (excess <= 0) return []
  return [...states]
    .sort((a, b) => newestFirst(b.bundle, a.bundle))
    .filter(({ bundle, state }) => state !== "pending" && bundle.id !== currentId)
    .slice(0, excess)
    .map(({ bundle }) => bundle.id)
}

/**
 * What a new capture carries over from the pending bundle it supersedes. Next steps a person wrote must not vanish
 * under an automatic capture: an automatic capture takes every next step of a pending manual bundle, or what a pending
 * automatic bundle had carried itself, so a chain manual → automatic → automatic keeps them. A manual capture carries
 * nothing: its author wrote the next steps anew.
 */
export const carryOver = (trigger: Trigger, pending: Bundle | undefined): CarriedOver | undefined => {
  if (trigger.kind === "manual" || pending === undefined) return undefined
  if (pending.trigger.kind !== "manual") return pending.carriedOver
  if (pending.nextSteps.length === 0) return undefined
  return { from: pending.id, title: pending.title, nextSteps: pending.nextSteps }
}

/**
 * The tool a capture is meant for: its own --target, else, when it carries a person's next steps over, the target that
 * person named (a manual handover "for codex" stays for codex when the quota captures again before codex took it).
 */
export const carriedTarget = (
  own: Bundle["target"],
  superseded: Bundle | undefined,
  carried: CarriedOver | undefined
): Bundle["target"] =>
  own.tool === undefined && carried !== undefined && superseded?.target.tool !== undefined ? superseded.target : own

/** A capture's own next steps, then the carried ones, each step once. */
export const withCarriedSteps = (
  own: ReadonlyArray<string>,
  carried: CarriedOver | undefined
): ReadonlyArray<string> => [...new Set([...own, ...(carried?.nextSteps ?? [])])]
