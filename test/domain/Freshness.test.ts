import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import {
  type CommitRelation,
  type CurrentHead,
  describeAge,
  describeFreshness,
  isObjectId,
  parseLeftRightCount
} from "../../src/domain/Freshness.js"
import { GitMemory } from "../../src/layers/GitMemory.js"
import { MemoryFileSystemLayer } from "../../src/layers/MemoryFileSystem.js"
import { freshnessNotes } from "../../src/workflows/Freshness.js"
import { hostile, makeBundle, terminalControl } from "../helpers/bundles.js"

const captured = "1111111111111111111111111111111111111111"
const moved = "2222222222222222222222222222222222222222"
const createdAt = "2026-11-25T16:45:00.000Z"
const minute = 60_000
const hour = 60 * minute

const bundle = makeBundle({ createdAt, repo: { branch: "feature", head: captured } })
const here = (current: Partial<CurrentHead> = {}): CurrentHead => ({ branch: "feature", head: captured, ...current })

/** The notes at `later` milliseconds after the capture. */
const notes = (later: number, current: CurrentHead | null, relation: CommitRelation | null = null, of = bundle) =>
  describeFreshness({ bundle: of, nowMillis: Date.parse(createdAt) + later, current, relation })

describe("describeFreshness", () => {
  it("an unmoved repository: only the age, nothing about HEAD or the branch", () => {
    expect(notes(2 * hour + 5 * minute, here())).toEqual(["captured 2 h 5 min ago"])
  })

  it("HEAD moved forward: how many commits, from which to which", () => {
    expect(notes(3 * minute, here({ head: moved }), { known: true, ahead: 3, behind: 0 })).toEqual([
      "captured 3 min ago",
      "HEAD moved: 3 commits since the capture (1111111 → 2222222)"
    ])
    expect(notes(0, here({ head: moved }), { known: true, ahead: 1, behind: 0 })[1]).toBe(
      "HEAD moved: 1 commit since the capture (1111111 → 2222222)"
    )
  })

  it("HEAD behind the capture, and diverged from it, name both counts", () => {
    expect(notes(0, here({ head: moved }), { known: true, ahead: 0, behind: 2 })[1]).toBe(
      "HEAD moved back: 2 commits of the capture are missing here (1111111 → 2222222)"
    )
    expect(notes(0, here({ head: moved }), { known: true, ahead: 3, behind: 1 })[1]).toBe(
      "HEAD diverged from the capture: 3 commits here that the capture lacks, 1 commit of the capture missing here (1111111 → 2222222)"
    )
  })

  it("the capture's commit not in this repository: says to fetch it", () => {
    expect(notes(0, here({ head: moved }), { known: false })[1]).toMatch(
      /^the capture's commit 1111111 is not in this repository: fetch it \(git fetch\)/
    )
  })

  it("git could not tell the relation: HEAD moved, count unknown", () => {
    expect(notes(0, here({ head: moved }), null)[1]).toBe(
      "HEAD moved since the capture (1111111 → 2222222); git could not tell how many commits lie between"
    )
  })

  it("the branch changed, or HEAD was detached, on either side", () => {
    expect(notes(0, here({ branch: "main" }))).toEqual(["captured less than a minute ago", "captured on branch feature, this is main"])
    expect(notes(0, here({ branch: null }))[1]).toBe("captured on branch feature, HEAD is detached here")
    const detached = makeBundle({ createdAt, repo: { branch: null, head: captured } })
    expect(notes(0, here({ branch: "main" }), null, detached)[1]).toBe("captured on a detached HEAD, this is branch main")
  })

  it("unborn branches: nothing when both have no commit; otherwise says which side has none", () => {
    const unborn = makeBundle({ createdAt, repo: { branch: "main", head: null } })
    expect(notes(0, { branch: "main", head: null }, null, unborn)).toEqual(["captured less than a minute ago"])
    expect(notes(0, { branch: "main", head: moved }, null, unborn)[1]).toMatch(/^captured before the first commit .*HEAD is now 2222222/)
    expect(notes(0, here({ head: null }))[1]).toMatch(/^captured at commit 1111111, but this repository has no commit yet/)
  })

  it("HEAD unreadable: the age and one line saying it is unknown", () => {
    expect(notes(0, null)).toEqual([
      "captured less than a minute ago",
      "whether HEAD moved since the capture is unknown: git could not read this repository's HEAD"
    ])
  })

  it("a createdAt that is no date, or in the future, is said so", () => {
    const odd = makeBundle({ createdAt: "yesterday-ish", repo: { branch: "feature", head: captured } })
    expect(notes(0, here(), null, odd)[0]).toBe("captured at an unknown time (bundle.json says yesterday-ish)")
    expect(notes(-2 * hour, here())[0]).toMatch(/in the future by this machine's clock/)
  })

  it("branch names from a hostile bundle.json come out escaped and bounded", () => {
    const evil = makeBundle({ createdAt, repo: { branch: `x${hostile.clearScreen}${"y".repeat(500)}`, head: captured } })
    const lines = notes(0, here({ branch: "main" }), null, evil)
    for (const line of lines) expect(line).not.toMatch(terminalControl)
    expect(lines[1]!.length).toBeLessThan(200)
  })
})

describe("describeAge", () => {
  it("minutes, hours and minutes, days and hours", () => {
    expect(describeAge(59_999)).toBe("less than a minute")
    expect(describeAge(59 * minute)).toBe("59 min")
    expect(describeAge(2 * hour)).toBe("2 h")
    expect(describeAge(25 * hour)).toBe("1 day 1 h")
    expect(describeAge(72 * hour + 30 * minute)).toBe("3 days")
  })
})

describe("the git answers", () => {
  it("rev-list --left-right --count: the capture's side first (behind), this HEAD's second (ahead)", () => {
    expect(parseLeftRightCount("2\t5\n")).toEqual({ known: true, behind: 2, ahead: 5 })
    expect(parseLeftRightCount("fatal: bad revision")).toBeUndefined()
  })

  it("only a full object id reaches git as a commit", () => {
    expect(isObjectId(captured)).toBe(true)
    expect(isObjectId("a".repeat(64))).toBe(true)
    for (const text of ["--output=/tmp/x", "HEAD", "1111111", `${captured}\n`, "G".repeat(40)]) expect(isObjectId(text)).toBe(false)
  })
})

describe("freshnessNotes (the workflow, under TestClock)", () => {
  it.effect("reads the clock and this repository's HEAD, and asks git how far HEAD moved", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse(createdAt) + 26 * hour)
      const lines = yield* freshnessNotes("/work/project", bundle)
      expect(lines).toEqual([
        "captured 1 day 2 h ago",
        "captured on branch feature, this is main",
        "HEAD moved: 4 commits since the capture (1111111 → 2222222)"
      ])
    }).pipe(Effect.provide(GitMemory.layer({
      root: "/work/project",
      branch: "main",
      head: moved,
      relation: { known: true, ahead: 4, behind: 0 }
    }).pipe(Layer.provide(MemoryFileSystemLayer)))))

  it.effect("HEAD where the capture left it: git is not asked about commits in between", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse(createdAt) + 90 * minute)
      // The in-memory git answers "unknown" to relation: had it been asked, a fetch note would show.
      expect(yield* freshnessNotes("/work/project", bundle)).toEqual(["captured 1 h 30 min ago"])
    }).pipe(Effect.provide(GitMemory.layer({ root: "/work/project", branch: "feature", head: captured }).pipe(
      Layer.provide(MemoryFileSystemLayer)
    ))))
})
