import type { Bundle } from "./Bundle.js"
import { clip, printableLine } from "./Text.js"

/**
 * Where the capture's HEAD stands against this repository's HEAD, as `git rev-list --left-right --count` tells it:
 * unknown when the commit is not in this repository (or bundle.json names something that is not a commit id).
 */
export type CommitRelation =
  | { readonly known: false }
  | {
    readonly known: true
    /** Commits on this HEAD that the capture's HEAD does not have. */
    readonly ahead: number
    /** Commits of the capture's HEAD that this HEAD does not have. */
    readonly behind: number
  }

/** Where this repository stands now: its branch (null when detached) and HEAD (null on an unborn branch). */
export interface CurrentHead {
  readonly branch: string | null
  readonly head: string | null
}

export interface FreshnessInput {
  readonly bundle: Pick<Bundle, "createdAt" | "repo">
  readonly nowMillis: number
  /** null when this repository's state could not be read. */
  readonly current: CurrentHead | null
  /** null when not asked (a HEAD is missing on one side, or both are the same commit) or git could not tell. */
  readonly relation: CommitRelation | null
}

/** A full object id (SHA-1 or SHA-256), the only thing handed to git as a commit from bundle.json. */
export const isObjectId = (text: string): boolean => /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text)

/** `git rev-list --left-right --count CAPTURE...HEAD` output ("behind\tahead"), or undefined when it is not that. */
export const parseLeftRightCount = (stdout: string): CommitRelation | undefined => {
  const match = /^(\d+)\s+(\d+)\s*$/.exec(stdout.trim())
  if (match === null) return undefined
  return { known: true, behind: Number(match[1]), ahead: Number(match[2]) }
}

/** Whether git must be asked how the two HEADs relate: only when both exist and differ. */
export const needsRelation = (captured: string | null, current: CurrentHead | null): captured is string =>
  captured !== null && current !== null && current.head !== null && captured !== current.head

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

/** "2 h 5 min", "3 days 4 h", "less than a minute": coarse enough to read at a glance. */
export const describeAge = (millis: number): string => {
  if (millis < minute) return "less than a minute"
  if (millis < hour) return `${Math.floor(millis / minute)} min`
  if (millis < day) {
    const minutes = Math.floor((millis % hour) / minute)
    return `${Math.floor(millis / hour)} h${minutes > 0 ? ` ${minutes} min` : ""}`
  }
  const days = Math.floor(millis / day)
  const hours = Math.floor((millis % day) / hour)
  return `${days} day${days === 1 ? "" : "s"}${hours > 0 ? ` ${hours} h` : ""}`
}

const commits = (count: number) => `${count} commit${count === 1 ? "" : "s"}`

// Branch names and ids come from bundle.json, which a cloned repository may carry: one escaped, bounded line each.
const short = (head: string) => printableLine(head.slice(0, 7))
const branchName = (branch: string) => clip(printableLine(branch), 120)

const ageNote = (createdAt: string, nowMillis: number): string => {
  const at = Date.parse(createdAt)
  if (Number.isNaN(at)) return `captured at an unknown time (bundle.json says ${clip(printableLine(createdAt), 60)})`
  if (at > nowMillis + minute) return `captured at ${printableLine(createdAt)}, which is in the future by this machine's clock`
  return `captured ${describeAge(Math.max(0, nowMillis - at))} ago`
}

const branchNote = (captured: string | null, current: string | null): string | undefined => {
  if (captured === current) return undefined
  if (captured === null) return `captured on a detached HEAD, this is branch ${branchName(current ?? "")}`
  if (current === null) return `captured on branch ${branchName(captured)}, HEAD is detached here`
  return `captured on branch ${branchName(captured)}, this is ${branchName(current)}`
}

const headNote = (captured: string | null, current: string | null, relation: CommitRelation | null): string | undefined => {
  if (captured === current) return undefined
  if (captured === null) {
    return `captured before the first commit (an unborn branch); HEAD is now ${short(current ?? "")}: the patch adds every file it carries`
  }
  if (current === null) {
    return `captured at commit ${short(captured)}, but this repository has no commit yet: fetch that commit and check it out before applying the patch`
  }
  const moved = `(${short(captured)} → ${short(current)})`
  if (relation === null) return `HEAD moved since the capture ${moved}; git could not tell how many commits lie between`
  if (!relation.known) {
    return `the capture's commit ${short(captured)} is not in this repository: fetch it (git fetch) before applying the patch; HEAD here is ${short(current)}`
  }
  if (relation.ahead > 0 && relation.behind > 0) {
    return `HEAD diverged from the capture: ${commits(relation.ahead)} here that the capture lacks, ${commits(relation.behind)} of the capture missing here ${moved}`
  }
  if (relation.behind > 0) return `HEAD moved back: ${commits(relation.behind)} of the capture are missing here ${moved}`
  return `HEAD moved: ${commits(relation.ahead)} since the capture ${moved}`
}

/**
 * What the next agent should know about what it resumes on, in short plain lines: how old the bundle is, and when
 * the branch or HEAD differ from the capture's, how. Nothing about HEAD when it has not moved.
 */
export const describeFreshness = (input: FreshnessInput): ReadonlyArray<string> => {
  const age = ageNote(input.bundle.createdAt, input.nowMillis)
  if (input.current === null) return [age, "whether HEAD moved since the capture is unknown: git could not read this repository's HEAD"]
  const notes = [
    age,
    branchNote(input.bundle.repo.branch, input.current.branch),
    headNote(input.bundle.repo.head, input.current.head, input.relation)
  ]
  return notes.filter((note): note is string => note !== undefined)
}
