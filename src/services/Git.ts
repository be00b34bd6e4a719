import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { PatchFile, SubmoduleState } from "../domain/Bundle.js"
import type { GitFailed, NotAGitRepository } from "../domain/errors.js"
import type { CommitRelation } from "../domain/Freshness.js"
import type { ApplyCheck, ApplyMode } from "../domain/PatchApply.js"
import type { WrittenFile } from "./Store.js"

export interface RepoState {
  readonly root: string
  readonly branch: string | null
  /** null on an unborn branch (no commit yet). */
  readonly head: string | null
  readonly upstream: string | null
  /** The absolute path of the index file git uses here (a linked worktree has its own). */
  readonly indexFile: string
}

export interface WorkspacePatch<A> {
  /** The tree the patch applies to: HEAD, or the empty tree on an unborn branch. */
  readonly base: string
  readonly files: ReadonlyArray<PatchFile>
  /** Submodules and nested repositories the patch touches or leaves work behind in, by path. */
  readonly submodules: ReadonlyArray<SubmoduleState>
  /** The patch file's size and sha256, counted as it was written. */
  readonly written: WrittenFile
  /** What the observer made of the patch's bytes. */
  readonly observed: A
}


export interface PatchOptions {
  /** The repository's state as repoState read it: the patch is against its HEAD, from a copy of its index. */
  readonly repo: RepoState
  readonly includeUntracked: boolean
  /** Top-level paths left out of the patch, such as .handover. */
  readonly exclude: ReadonlyArray<string>
  /** Where the temporary index goes: a directory of the store that a later capture sweeps if this one is killed. */
  readonly scratchDir: string
  /** Where git writes the patch: a new file, created private (0600); anything already there, a link too, fails. */
  readonly patchFile: string
}

export interface ApplyCheckOptions {
  /** Whether the patch is already applied: `--reverse`. */
  readonly reverse: boolean
  /** Check the index too (`--index`): it must match the working tree for the files the patch touches. */
  readonly index: boolean
  /** Whether a three-way merge could apply it, conflicts allowed (`--3way`). */
  readonly threeWay: boolean
}

/**
 * The real git binary. Nothing here writes to the user's index, working tree, HEAD, refs or stash, except
 * `applyPatch`, which `pickup --apply` calls only after `checkApply` said it fits.
 */
export class Git extends Context.Tag("handover/Git")<Git, {
  readonly topLevel: (cwd: string) => Effect.Effect<string, NotAGitRepository | GitFailed>
  readonly repoState: (root: string) => Effect.Effect<RepoState, GitFailed>
  /**
   * The working tree against HEAD, untracked files included, computed in a temporary index in `scratchDir`. git writes
   * the `git diff --binary` output to `patchFile` itself; `observe` gets those bytes as they land (failing with
   * GitFailed at their end when git exits non-zero) and must read them to their end; a chunk's memory is reused for
   * the next one, so whatever the observer keeps it copies. An observer that fails (a size limit) stops git. The file list and numbers come from a second diff of the same temporary index.
   */
  readonly workspacePatch: <A, E, R>(
    options: PatchOptions,
    observe: (patch: Stream.Stream<Uint8Array, GitFailed>) => Effect.Effect<A, E, R>
  ) => Effect.Effect<WorkspacePatch<A>, GitFailed | E, R>
  /**
   * Reads `base` (null: no commit yet, the empty tree) into a temporary index in scratchDir, which needs no patch and
   * so can run while the patch is being written; the effect it returns is `git apply --check` of a patch on that
   * index, the detail saying why not.
   */
  readonly prepareApplyCheck: (
    root: string,
    base: string | null,
    scratchDir: string
  ) => Effect.Effect<
    (patchPath: string) => Effect.Effect<{ readonly applies: boolean; readonly detail: string }, GitFailed>,
    GitFailed
  >
  /** The files under `path` (relative to the top level) that git tracks, as paths relative to the top level. */
  readonly trackedFiles: (root: string, path: string) => Effect.Effect<ReadonlyArray<string>, GitFailed>
  /**
   * How the commit stands against HEAD, in one git process (`rev-list --left-right --count COMMIT...HEAD`). Unknown
   * when the commit is not in this repository, when HEAD has no commit yet, or when `commit` is not a full object id
   * (it comes from bundle.json: nothing else reaches git's command line).
   */
  readonly relation: (root: string, commit: string) => Effect.Effect<CommitRelation, GitFailed>
  /** `git apply --check` of the patch file against this working tree; writes nothing. stderr says why not. */
  readonly checkApply: (root: string, patchPath: string, options: ApplyCheckOptions) => Effect.Effect<ApplyCheck, GitFailed>
  /**
   * `git apply` of the patch file to the working tree (and the index with --index or --3way). git writes all of it or
   * nothing, refusing paths outside the tree and through symbolic links. With --3way, returns the files left with
   * conflict markers (unmerged in the index); otherwise none.
   */
  readonly applyPatch: (
    root: string,
    patchPath: string,
    mode: ApplyMode
  ) => Effect.Effect<{ readonly conflicted: ReadonlyArray<string> }, GitFailed>
}>() {}
