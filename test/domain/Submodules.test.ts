import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { SubmoduleState } from "../../src/domain/Bundle.js"
import {
  notCheckedOut,
  parseNestedStatus,
  repositoriesLeftOut,
  submoduleNotes,
  submoduleState,
  submodulesToRecord
} from "../../src/domain/Submodules.js"

const recorded = "f2b7c079623a9a159eb52e2c846f1da0922a5856"
const moved = "131066ff826c018257ecead2a0d64ba411371f97"

const state = (overrides: Partial<SubmoduleState> = {}): SubmoduleState => ({
  path: "sub/lib",
  recorded,
  checkedOut: recorded,
  commitChanged: false,
  dirty: false,
  ...overrides
})

describe("parseNestedStatus", () => {
  // `git status --porcelain=v2 --branch --no-ahead-behind -z` inside a submodule (git 2.39), byte for byte.
  const header = `# branch.oid ${recorded}\0# branch.head main\0# branch.upstream origin/main\0`

  it.effect("a clean repository: its HEAD, not dirty", () =>
    Effect.sync(() => expect(parseNestedStatus(header)).toEqual({ head: recorded, dirty: false })))

  it.effect("a modified file, a rename or an untracked file makes it dirty", () =>
    Effect.sync(() => {
      const modified = `1 .M N... 100644 100644 100644 ${recorded} ${recorded} lib.txt\0`
      expect(parseNestedStatus(header + modified)).toEqual({ head: recorded, dirty: true })
      expect(parseNestedStatus(`${header}? notes.txt\0`).dirty).toBe(true)
      expect(parseNestedStatus(`${header}2 R. N... 100644 100644 100644 ${recorded} ${recorded} R100 new\0old\0`).dirty)
        .toBe(true)
    }))

  it.effect("before its first commit there is no HEAD", () =>
    Effect.sync(() => {
      expect(parseNestedStatus("# branch.oid (initial)\0# branch.head main\0? draft.txt\0")).toEqual({
        head: null,
        dirty: true
      })
      expect(parseNestedStatus("# branch.oid (initial)\0# branch.head main\0")).toEqual({ head: null, dirty: false })
    }))
})

describe("submoduleState", () => {
  it.effect("the commit changed when what is checked out is not what HEAD records", () =>
    Effect.sync(() => {
      const gitlink = { path: "sub/lib", recorded, present: true }
      expect(submoduleState(gitlink, { head: recorded, dirty: true })).toEqual(state({ dirty: true }))
      expect(submoduleState(gitlink, { head: moved, dirty: false })).toEqual(
        state({ checkedOut: moved, commitChanged: true })
      )
      expect(submoduleState({ path: "tools/x", recorded: null, present: true }, { head: moved, dirty: false }))
        .toEqual({ path: "tools/x", recorded: null, checkedOut: moved, commitChanged: true, dirty: false })
      expect(submoduleState({ ...gitlink, present: false }, notCheckedOut)).toEqual(
        state({ checkedOut: null, commitChanged: true })
      )
    }))
})

describe("submodulesToRecord", () => {
  it.effect("keeps every gitlink of the patch, and of the repositories left out of it only those holding work", () =>
    Effect.sync(() => {
      const inPatch = [state({ path: "z/lib" }), state({ path: "a/lib", dirty: true })]
      const empty = state({ path: "m/empty", recorded: null, checkedOut: null })
      const draft = state({ path: "m/draft", recorded: null, checkedOut: null, dirty: true })
      expect(submodulesToRecord(inPatch, [empty, draft]).map((entry) => entry.path)).toEqual(["a/lib", "m/draft", "z/lib"])
    }))
})

describe("repositoriesLeftOut", () => {
  it.effect("the directories git lists with a slash are nested repositories; a file, or nothing, explains nothing", () =>
    Effect.sync(() => {
      expect(repositoriesLeftOut("tools/scratch/\0x y/\0")).toEqual(["tools/scratch", "x y"])
      expect(repositoriesLeftOut("tools/scratch/\0notes.txt\0")).toBeUndefined()
      expect(repositoriesLeftOut("")).toBeUndefined()
    }))
})

describe("submoduleNotes", () => {
  it.effect("uncommitted changes inside a submodule are NOT in the patch", () =>
    Effect.sync(() => {
      expect(submoduleNotes(state({ dirty: true }))).toEqual([
        "submodule sub/lib has uncommitted changes that are NOT in the patch; commit them inside the submodule or capture there"
      ])
    }))

  it.effect("a moved submodule: only the commit id travels, so the commit must be pushed", () =>
    Effect.sync(() => {
      expect(submoduleNotes(state({ checkedOut: moved, commitChanged: true }))).toEqual([
        "submodule sub/lib is checked out at 131066ff826c where HEAD records f2b7c079623a: the patch carries only the " +
        "new commit id; push that commit from the submodule so whoever applies the patch can fetch it"
      ])
    }))

  it.effect("a nested repository that HEAD does not record: its files are not in the patch, its changes neither", () =>
    Effect.sync(() => {
      const nested = state({ path: "tools/nested", recorded: null, checkedOut: moved, commitChanged: true, dirty: true })
      expect(submoduleNotes(nested)).toEqual([
        "nested repository tools/nested has uncommitted changes that are NOT in the patch; commit them inside the nested " +
        "repository or capture there",
        "nested repository tools/nested is not in HEAD: the patch carries only its commit id 131066ff826c, not its " +
        "files; whoever applies the patch must get them elsewhere"
      ])
    }))

  it.effect("nothing to say when the patch carries all of it: a clean submodule removed, or one not checked out", () =>
    Effect.sync(() => {
      expect(submoduleNotes(state())).toEqual([])
      expect(submoduleNotes(state({ checkedOut: null, commitChanged: true }))).toEqual([])
    }))
})
