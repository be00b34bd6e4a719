import type { SubmoduleState } from "./Bundle.js"
import type { GitlinkChange } from "./PatchFiles.js"

// Submodules and nested repositories: a patch of the outer repository holds at most their commit id (a gitlink line,
// "Subproject commit …"), never their files. What is in them must be recorded and said out loud, or it is lost.

/** What `git status --porcelain=v2 --branch -z` run inside a nested repository says of it. */
export interface NestedStatus {
  /** Its checked-out commit; null before its first commit. */
  readonly head: string | null
  /** Anything uncommitted: modified, staged or untracked (non-ignored) files, or dirty submodules of its own. */
  readonly dirty: boolean
}

/** A gitlink with no repository behind it in the working tree (not checked out, or removed). */
export const notCheckedOut: NestedStatus = { head: null, dirty: false }

const branchOid = "# branch.oid "

export const parseNestedStatus = (output: string): NestedStatus => {
  const records = output.split("\0").filter((record) => record !== "")
  const oid = records.find((record) => record.startsWith(branchOid))?.slice(branchOid.length)
  return {
    head: oid === undefined || oid === "(initial)" ? null : oid,
    // Headers start with "# "; every other record is a changed, unmerged or untracked path.
    dirty: records.some((record) => !record.startsWith("# "))
  }
}

export const submoduleState = (gitlink: GitlinkChange, status: NestedStatus): SubmoduleState => ({
  path: gitlink.path,
  recorded: gitlink.recorded,
  checkedOut: status.head,
  commitChanged: gitlink.recorded !== status.head,
  dirty: status.dirty
})

/**
 * What a bundle records: every gitlink the patch touches, and of the nested repositories git could not put in the
 * patch at all (those with no commit yet), the ones holding work. Sorted by path, like the patch.
 */
export const submodulesToRecord = (
  inPatch: ReadonlyArray<SubmoduleState>,
  notInPatch: ReadonlyArray<SubmoduleState>
): ReadonlyArray<SubmoduleState> =>
  [...inPatch, ...notInPatch.filter((state) => state.dirty)].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  )

const shortId = (commit: string): string => commit.slice(0, 12)

/**
 * What the user must know of one submodule or nested repository, one sentence each: work that the patch does not
 * carry. Nothing when the patch carries all of it (a gitlink removed, say).
 */
export const submoduleNotes = (state: SubmoduleState): ReadonlyArray<string> => {
  // HEAD records a gitlink only for a submodule; anything else is a repository nested in the working tree.
  const kind = state.recorded === null ? "nested repository" : "submodule"
  const notes: Array<string> = []
  if (state.dirty) {
    notes.push(
      `${kind} ${state.path} has uncommitted changes that are NOT in the patch; ` +
        `commit them inside the ${kind} or capture there`
    )
  }
  if (state.commitChanged && state.checkedOut !== null) {
    notes.push(
      state.recorded === null
        ? `${kind} ${state.path} is not in HEAD: the patch carries only its commit id ${shortId(state.checkedOut)}, ` +
          "not its files; whoever applies the patch must get them elsewhere"
        : `${kind} ${state.path} is checked out at ${shortId(state.checkedOut)} where HEAD records ` +
          `${shortId(state.recorded)}: the patch carries only the new commit id; push that commit from the submodule ` +
          "so whoever applies the patch can fetch it"
    )
  }
  return notes
}

/**
 * The nested repositories that explain why `git add --intent-to-add --ignore-errors` exited 1, from
 * `git ls-files --others -z` run after it: git cannot add a nested repository with no commit yet, and lists it as its
 * directory with a trailing slash (never the files inside). Undefined when they do not explain it: other paths were
 * left out too, or none at all.
 */
export const repositoriesLeftOut = (lsFilesOutput: string): ReadonlyArray<string> | undefined => {
  const paths = lsFilesOutput.split("\0").filter((path) => path !== "")
  const explained = paths.length > 0 && paths.every((path) => path.endsWith("/"))
  return explained ? paths.map((path) => path.slice(0, -1)) : undefined
}
