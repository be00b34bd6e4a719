import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { PatchFile, SubmoduleState } from "../domain/Bundle.js"
import type { GitFailed, NotAGitRepository } from "../domain/errors.js"

export interface RepoState {
  readonly root: string
  readonly branch: string | null
  /** null on an unborn branch (no commit yet). */
  readonly head: string | null
  readonly upstream: string | null
}

export interface WorkspacePatch {
  /** The tree the patch applies to: HEAD, or the empty tree on an unborn branch. */
  readonly base: string
  readonly files: ReadonlyArray<PatchFile>
  /** Submodules and nested repositories the patch touches or leaves work behind in, by path. */
  readonly submodules: ReadonlyArray<SubmoduleState>
  /** `git diff --binary` output; fails with GitFailed at its end when git exits non-zero. */
  readonly stream: Stream.Stream<Uint8Array, GitFailed>
}

export interface PatchOptions {
  readonly includeUntracked: boolean
  /** Top-level paths left out of the patch, such as .handover. */
  readonly exclude: ReadonlyArray<string>
  /** Where the temporary index goes: a directory of the store that a later capture sweeps if this one is killed. */
  readonly scratchDir: string
}

/** The real git binary. Nothing here writes to the user's index, working tree, HEAD, refs or stash. */
export class Git extends Context.Tag("handover/Git")<Git, {
  readonly topLevel: (cwd: string) => Effect.Effect<string, NotAGitRepository | GitFailed>
  readonly repoState: (root: string) => Effect.Effect<RepoState, GitFailed>
  /** The working tree against HEAD, untracked files included, computed in a temporary index in `scratchDir`. */
  readonly workspacePatch: (
    root: string,
    options: PatchOptions
  ) => Effect.Effect<WorkspacePatch, GitFailed>
  /** `git apply --check` of the patch against `base` in a temporary index in scratchDir; the detail says why not. */
  readonly patchApplies: (
    root: string,
    patchPath: string,
    base: string,
    scratchDir: string
  ) => Effect.Effect<{ readonly applies: boolean; readonly detail: string }, GitFailed>
  /** The files under `path` (relative to the top level) that git tracks, as paths relative to the top level. */
  readonly trackedFiles: (root: string, path: string) => Effect.Effect<ReadonlyArray<string>, GitFailed>
}>() {}
