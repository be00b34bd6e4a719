import { describe, expect, it } from "@effect/vitest"
import {
  appliedLine,
  type ApplyCheck,
  conflictingPaths,
  listPaths,
  needsThreeWayCheck,
  patchMismatch,
  planApply
} from "../../src/domain/PatchApply.js"
import { PatchConflicts, PatchDoesNotApply, PatchMismatch } from "../../src/domain/errors.js"
import { makeBundle } from "../helpers/bundles.js"

const passes: ApplyCheck = { applies: true, stderr: "" }
const fails = (stderr: string): ApplyCheck => ({ applies: false, stderr })

const conflict = "error: patch failed: src/a.ts:12\nerror: src/a.ts: patch does not apply\n" +
  "error: new.txt: already exists in working directory\n"

describe("planApply", () => {
  it("already applied (the reverse check passes) wins over everything: nothing is written", () => {
    expect(planApply({ reverse: passes, forward: passes })).toEqual({ _tag: "AlreadyApplied" })
    expect(planApply({ reverse: passes, forward: fails(conflict) })).toEqual({ _tag: "AlreadyApplied" })
  })

  it("applies when the plain check passes, or when --3way says a merge can", () => {
    expect(planApply({ reverse: fails(""), forward: passes })).toEqual({ _tag: "Apply" })
    expect(planApply({ reverse: fails(""), forward: fails(conflict), threeWay: passes })).toEqual({ _tag: "Apply" })
  })

  it("refuses otherwise, naming the paths git named", () => {
    expect(planApply({ reverse: fails(""), forward: fails(conflict) })).toEqual({
      _tag: "Refuse",
      paths: ["src/a.ts", "new.txt"],
      detail: conflict
    })
    const refused = planApply({ reverse: fails(""), forward: fails(conflict), threeWay: fails("error: repository lacks the necessary blob") })
    expect(refused).toMatchObject({ _tag: "Refuse", paths: ["src/a.ts", "new.txt"], detail: "error: repository lacks the necessary blob" })
  })

  it("git is asked about a three-way merge only with --3way, and only when the plain check failed", () => {
    const failed = { reverse: fails(""), forward: fails(conflict) }
    expect(needsThreeWayCheck({ index: false, threeWay: true }, failed)).toBe(true)
    expect(needsThreeWayCheck({ index: false, threeWay: false }, failed)).toBe(false)
    expect(needsThreeWayCheck({ index: false, threeWay: true }, { reverse: fails(""), forward: passes })).toBe(false)
    expect(needsThreeWayCheck({ index: false, threeWay: true }, { reverse: passes, forward: fails("") })).toBe(false)
  })
})

describe("conflictingPaths", () => {
  it("reads every way git apply names a path it refuses, each once", () => {
    const stderr = [
      "error: patch failed: dir with space/a.txt:3",
      "error: dir with space/a.txt: patch does not apply",
      "error: invalid path '../outside/evil.txt'",
      "error: affected file 'link/evil.txt' is beyond a symbolic link",
      "error: gone.txt: No such file or directory",
      "error: staged.txt: does not match index",
      "error: tool: wrong type",
      "Checking patch x...",
      "hint: something"
    ].join("\n")
    expect(conflictingPaths(stderr)).toEqual([
      "dir with space/a.txt",
      "../outside/evil.txt",
      "link/evil.txt",
      "gone.txt",
      "staged.txt",
      "tool"
    ])
  })

  it("lists at most ten paths in a message, then how many more", () => {
    const paths = Array.from({ length: 13 }, (_, i) => `f${i}`)
    expect(listPaths(paths)).toBe("f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 3 more")
  })
})

describe("patchMismatch", () => {
  const bundle = makeBundle({ patch: { bytes: 10, sha256: "ab".repeat(32) } })

  it("passes only the patch bundle.json describes: its size and its sha256", () => {
    expect(patchMismatch(bundle, { bytes: 10, sha256: "ab".repeat(32) })).toBeUndefined()
    expect(patchMismatch(bundle, undefined)).toBe("is missing")
    expect(patchMismatch(bundle, { bytes: 11, sha256: "ab".repeat(32) })).toBe("has 11 bytes where bundle.json records 10")
    expect(patchMismatch(bundle, { bytes: 10, sha256: "cd".repeat(32) })).toBe("does not match the sha256 bundle.json records")
  })
})

describe("what pickup --apply says", () => {
  const bundle = makeBundle()

  it("one result line per outcome, naming where it wrote", () => {
    expect(appliedLine({ _tag: "NothingToApply" }, bundle, { index: false, threeWay: false })).toBe("workspace.patch is empty: nothing to apply")
    expect(appliedLine({ _tag: "AlreadyApplied" }, bundle, { index: false, threeWay: false })).toMatch(/already applied.*nothing changed/)
    expect(appliedLine({ _tag: "Apply" }, bundle, { index: false, threeWay: false })).toBe("applied workspace.patch to the working tree: 1 file")
    expect(appliedLine({ _tag: "Apply" }, bundle, { index: true, threeWay: false })).toBe(
      "applied workspace.patch to the working tree and the index: 1 file"
    )
    expect(appliedLine({ _tag: "Apply" }, bundle, { index: false, threeWay: true })).toMatch(/with --3way to the working tree and the index/)
  })

  it("each refusal says what failed, that nothing changed, and what to do", () => {
    expect(new PatchMismatch({ path: "/r/.handover/bundles/x/workspace.patch", reason: "is missing" }).message).toMatch(
      /^\/r\/\.handover\/bundles\/x\/workspace\.patch is missing, .*nothing was applied or claimed/
    )
    const refused = new PatchDoesNotApply({ id: "20261125T164500Z-7f3a", paths: ["a.txt"], detail: "" }).message
    expect(refused).toContain("conflicts in a.txt; nothing was changed or claimed")
    expect(refused).toContain("handover pickup --apply --3way 20261125T164500Z-7f3a")
    expect(new PatchConflicts({ paths: ["a.txt", "b.txt"] }).message).toBe(
      "applied workspace.patch with --3way, leaving conflict markers in 2 files: a.txt, b.txt; resolve them, then git add each file"
    )
  })
})
