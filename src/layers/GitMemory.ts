import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import type { PatchFile, SubmoduleState } from "../domain/Bundle.js"
import { NotAGitRepository } from "../domain/errors.js"
import type { CommitRelation } from "../domain/Freshness.js"
import { Git, type RepoState } from "../services/Git.js"

// A repository described in memory, for unit tests of the workflows: what git would report, without running it.

export interface GitMemoryOptions {
  readonly root: string
  readonly branch?: string | null
  readonly head?: string | null
  readonly upstream?: string | null
  /** The bytes `git diff --binary` would stream, and the files it lists. */
  readonly patch?: string | Uint8Array
  readonly files?: ReadonlyArray<PatchFile>
  readonly submodules?: ReadonlyArray<SubmoduleState>
  readonly applies?: boolean
  /** How a bundle's HEAD stands against this HEAD; unknown when not given. */
  readonly relation?: CommitRelation
  /** The answers of `git apply --check` against the working tree, forwards and --reverse (default: neither passes). */
  readonly applyChecks?: { readonly forward: boolean; readonly reverse: boolean; readonly threeWay?: boolean }
}

const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

export const GitMemory = {
  /** Writes the patch file through the FileSystem it is given (the store's, in memory or not). */
  layer: (options: GitMemoryOptions): Layer.Layer<Git, never, FileSystem.FileSystem> => {
    const state: RepoState = {
      root: options.root,
      branch: options.branch === undefined ? "main" : options.branch,
      head: options.head === undefined ? "0123456789abcdef0123456789abcdef01234567" : options.head,
      upstream: options.upstream ?? null,
      indexFile: `${options.root}/.git/index`
    }
    const bytes = typeof options.patch === "string" ? new TextEncoder().encode(options.patch) : options.patch
    return Layer.effect(Git, Effect.map(FileSystem.FileSystem, (fs) => Git.of({
      topLevel: (cwd) =>
        cwd === state.root || cwd.startsWith(`${state.root}/`)
          ? Effect.succeed(state.root)
          : Effect.fail(new NotAGitRepository({ cwd })),
      repoState: () => Effect.succeed(state),
      workspacePatch: (patchOptions, observe) =>
        Effect.gen(function*() {
          const patch = bytes ?? new Uint8Array(0)
          yield* fs.writeFile(patchOptions.patchFile, patch, { flag: "wx", mode: 0o600 }).pipe(Effect.orDie)
          // In chunks of 7 bytes: whoever reads the stream must not assume a chunk holds whole lines.
          const observed = yield* observe(Stream.fromIterable(
            Array.from({ length: Math.ceil(patch.length / 7) }, (_, i) => patch.slice(i * 7, i * 7 + 7))
          ))
          return {
            base: state.head ?? emptyTree,
            files: options.files ?? [],
            submodules: options.submodules ?? [],
            written: { bytes: patch.length, sha256: createHash("sha256").update(patch).digest("hex") },
            observed
          }
        }),
      prepareApplyCheck: () =>
        Effect.succeed(() =>
          Effect.succeed(options.applies === false ? { applies: false, detail: "patch does not apply" } : { applies: true, detail: "" })
        ),
      trackedFiles: () => Effect.succeed([]),
      relation: () => Effect.succeed(options.relation ?? { known: false }),
      checkApply: (_root, _patchPath, check) => {
        const answers = options.applyChecks
        const applies = check.reverse ? answers?.reverse : check.threeWay ? answers?.threeWay : answers?.forward
        return Effect.succeed(applies === true ? { applies, stderr: "" } : { applies: false, stderr: "error: patch does not apply" })
      },
      // The working tree is not modelled: applying succeeds without conflicts.
      applyPatch: () => Effect.succeed({ conflicted: [] })
    })))
  }
}
