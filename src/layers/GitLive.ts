import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { GitFailed, gitStderrLine, NotAGitRepository } from "../domain/errors.js"
import { isObjectId, parseLeftRightCount } from "../domain/Freshness.js"
import type { ApplyMode } from "../domain/PatchApply.js"
import { type GitlinkChange, parseDiffSummary } from "../domain/PatchFiles.js"
import {
  notCheckedOut,
  parseNestedStatus,
  repositoriesLeftOut,
  submoduleState,
  submodulesToRecord
} from "../domain/Submodules.js"
import { type ApplyCheckOptions, Git, type PatchOptions } from "../services/Git.js"

interface RunOptions {
  readonly indexFile?: string
  /** A directory git must not search upwards into for a repository (GIT_CEILING_DIRECTORIES). */
  readonly ceiling?: string
  /** Exit codes that are answers rather than failures (e.g. 1 for "no such ref"). */
  readonly okCodes?: ReadonlyArray<number>
}

/** Settings that would change the patch format if the user's config set them. */
const formatPins = [
  "-c", "core.quotePath=true",
  "-c", "diff.noprefix=false",
  "-c", "diff.mnemonicPrefix=false",
  "-c", "diff.relative=false",
  "-c", "core.fsmonitor=false"
]

/**
 * git 2.39 crashes (segfault, double free) adding intent-to-add entries to a sparse index, as cone-mode sparse
 * checkouts with index.sparse have: the temporary index is always read and written in full.
 */
const fullIndex = ["-c", "index.sparse=false"]

// --ignore-submodules=none: neither the user's config nor the repository's .gitmodules may hide a submodule that moved
// or holds uncommitted work, from the patch or from what the bundle records.
const diffFlags = [
  "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "-M", "--ignore-submodules=none"
]

const pathspec = (options: PatchOptions) => ["--", ".", ...options.exclude.map((path) => `:(top,exclude)${path}`)]

/** Platform errors mean git could not be started or its pipes broke: reported as a git failure. */
const asGitFailed = (args: ReadonlyArray<string>) => (error: GitFailed | PlatformError): GitFailed =>
  error._tag === "GitFailed"
    ? error
    : new GitFailed({ args, exitCode: -1, stderr: `could not run git (${error.message}); is git installed and on PATH?` })

/** How much of the growing patch file one read takes, and how long to wait when it has caught up with git. */
const followChunkBytes = 1024 * 1024
const followPollMillis = 5

/** A real pause, whatever Clock the caller runs under: git does not wait for a TestClock. */
const pause = (millis: number) =>
  Effect.async<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), millis)
    return Effect.sync(() => clearTimeout(timer))
  })

const collect = (stream: Stream.Stream<Uint8Array, PlatformError>) =>
  stream.pipe(Stream.decodeText(), Stream.mkString)

export const GitLive = Layer.effect(
  Git,
  Effect.gen(function*() {
    const executor = yield* CommandExecutor.CommandExecutor
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path

    const command = (root: string, args: ReadonlyArray<string>, options: RunOptions) =>
      Command.make("git", ...formatPins, ...(options.indexFile !== undefined ? fullIndex : []), ...args).pipe(
        Command.workingDirectory(root),
        Command.env({
          GIT_OPTIONAL_LOCKS: "0",
          GIT_TERMINAL_PROMPT: "0",
          LC_ALL: "C",
          ...(options.indexFile !== undefined ? { GIT_INDEX_FILE: options.indexFile } : {}),
          ...(options.ceiling !== undefined ? { GIT_CEILING_DIRECTORIES: options.ceiling } : {})
        })
      )

    /** Runs git to completion; a non-zero exit code not listed in okCodes is a GitFailed with git's stderr. */
    const run = (root: string, args: ReadonlyArray<string>, options: RunOptions = {}) =>
      Effect.scoped(
        Effect.gen(function*() {
          const process = yield* executor.start(command(root, args, options))
          const [stdout, stderr, exitCode] = yield* Effect.all(
            [collect(process.stdout), collect(process.stderr), process.exitCode],
            { concurrency: "unbounded" }
          )
          if (exitCode !== 0 && !(options.okCodes ?? []).includes(exitCode)) {
            return yield* new GitFailed({ args, exitCode, stderr })
          }
          return { stdout, stderr, exitCode }
        })
      ).pipe(Effect.mapError(asGitFailed(args)))

    const line = (root: string, args: ReadonlyArray<string>) =>
      run(root, args, { okCodes: [1, 128] }).pipe(
        Effect.map(({ exitCode, stdout }) => (exitCode === 0 && stdout.trim() !== "" ? stdout.trim() : null))
      )

    const topLevel = (cwd: string) =>
      Effect.gen(function*() {
        const isDirectory = yield* fs.stat(cwd).pipe(
          Effect.map((info) => info.type === "Directory"),
          Effect.orElseSucceed(() => false)
        )
        if (!isDirectory) return yield* new NotAGitRepository({ cwd })
        const { exitCode, stdout } = yield* run(cwd, ["rev-parse", "--show-toplevel"], { okCodes: [128] })
        if (exitCode !== 0 || stdout.trim() === "") return yield* new NotAGitRepository({ cwd })
        return stdout.trim()
      })

    // One rev-parse for HEAD and the index path; the branch and its upstream are separate answers that may be missing.
    const repoState = (root: string) =>
      Effect.all({
        branch: line(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]),
        headAndIndex: run(root, ["rev-parse", "--path-format=absolute", "--git-path", "index", "--verify", "--quiet", "HEAD^{commit}"], {
          okCodes: [1]
        }),
        upstream: line(root, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"])
      }, { concurrency: "unbounded" }).pipe(Effect.map(({ branch, headAndIndex, upstream }) => {
        const [indexFile = "", head = ""] = headAndIndex.stdout.split("\n")
        return { root, branch, head: headAndIndex.exitCode === 0 && head !== "" ? head : null, upstream, indexFile }
      }))

    const emptyTree = (root: string) =>
      run(root, ["hash-object", "-t", "tree", "/dev/null"]).pipe(Effect.map(({ stdout }) => stdout.trim()))

    const tempIndex = (realIndex: string, scratchDir: string) =>
      Effect.gen(function*() {
        const indexFile = `${scratchDir}/index`
        // Copying the index keeps git's cached stat data, so the diff does not re-hash every file. The copy keeps the
        // index's mtime too: git compares it with each entry's mtime to catch files changed in the same second as the
        // index was written ("racy git"); a fresh mtime would make such a change look clean and drop it from the patch.
        yield* fs.copyFile(realIndex, indexFile).pipe(
          Effect.zipRight(fs.stat(realIndex)),
          Effect.flatMap((info) =>
            Option.match(info.mtime, {
              onNone: () => Effect.void,
              onSome: (mtime) => fs.utimes(indexFile, Option.getOrElse(info.atime, () => mtime), mtime)
            })
          ),
          Effect.catchTag("SystemError", () => Effect.void)
        )
        return indexFile
      }).pipe(Effect.mapError(asGitFailed(["(temporary index)"])))

    /**
     * Adds the untracked, non-ignored files to the temporary index as intent-to-add, so that the diff shows them; with
     * --sparse, also those outside a sparse checkout's cone. A nested repository with no commit yet cannot be added (its
     * gitlink would have no commit id): --ignore-errors adds everything else and exits 1. Returns those repositories;
     * anything else left out fails the capture.
     */
    const addUntracked = (root: string, indexFile: string, options: PatchOptions) =>
      Effect.gen(function*() {
        const addArgs = ["add", "--sparse", "--intent-to-add", "--ignore-errors", ...pathspec(options)]
        const added = yield* run(root, addArgs, { indexFile, okCodes: [1] })
        if (added.exitCode === 0) return []
        const leftOut = yield* run(root, ["ls-files", "--others", "--exclude-standard", "-z", ...pathspec(options)], {
          indexFile
        })
        const repositories = repositoriesLeftOut(leftOut.stdout)
        if (repositories === undefined) return yield* new GitFailed({ args: addArgs, exitCode: 1, stderr: added.stderr })
        return repositories
      })

    /** What git, run inside it, says of the repository at a gitlink's path; notCheckedOut when there is none. */
    const nestedStatus = (root: string, gitlink: GitlinkChange) =>
      Effect.gen(function*() {
        if (!gitlink.present) return notCheckedOut
        const dir = path.join(root, gitlink.path)
        // Where even that cannot be checked, git run inside says why.
        const checkedOut = yield* fs.exists(path.join(dir, ".git")).pipe(Effect.orElseSucceed(() => true))
        if (!checkedOut) return notCheckedOut
        // The ceiling keeps git from searching upwards: a broken nested repository fails, not reads as this one.
        const { stdout } = yield* run(dir, [
          "status", "--porcelain=v2", "--branch", "--no-ahead-behind", "-z", "--untracked-files=normal",
          "--ignore-submodules=none"
        ], { ceiling: path.dirname(dir) })
        return parseNestedStatus(stdout)
      })

    const submoduleStateAt = (root: string) => (gitlink: GitlinkChange) =>
      Effect.map(nestedStatus(root, gitlink), (status) => submoduleState(gitlink, status))

    /**
     * The bytes git writes to `file` as they land, until git has exited and the file ends: read from the file, not a
     * pipe, so git writes at its own speed rather than a pipe's 64 KiB at a time.
     */
    const followFile = (file: FileSystem.File, exited: Effect.Effect<boolean>) => {
      const buffer = new Uint8Array(followChunkBytes)
      const readMore: Effect.Effect<Option.Option<Uint8Array>, PlatformError> = Effect.gen(function*() {
        // Whether git had exited is asked before reading: a read that comes up empty after its exit is the end.
        const done = yield* exited
        const read = Number(yield* file.read(buffer))
        // The same memory every time (see Git.workspacePatch): a copy per read would pile up garbage as large as the
        // patch before the collector runs.
        if (read > 0) return Option.some(buffer.subarray(0, read))
        if (done) return Option.none()
        yield* pause(followPollMillis)
        return yield* readMore
      })
      return Stream.repeatEffectOption(
        readMore.pipe(Effect.mapError(Option.some), Effect.flatMap(Option.match({
          onNone: () => Effect.fail(Option.none()),
          onSome: Effect.succeed
        })))
      )
    }

    const workspacePatch = <A, E, R>(
      options: PatchOptions,
      observe: (patch: Stream.Stream<Uint8Array, GitFailed>) => Effect.Effect<A, E, R>
    ) =>
      Effect.gen(function*() {
        const { root } = options.repo
        const indexFile = yield* tempIndex(options.repo.indexFile, options.scratchDir)
        const withoutCommit = options.includeUntracked ? yield* addUntracked(root, indexFile, options) : []
        const base = options.repo.head ?? (yield* emptyTree(root))
        // The file list and numbers (raw and numstat records, NUL-separated so any name is safe) come from a second
        // diff that runs alongside the patch's: it reads the files again, as one diff printing both would.
        const summaryArgs = ["diff", ...diffFlags, "--raw", "--numstat", "--no-abbrev", "-z", base, ...pathspec(options)]
        const summary = yield* run(root, summaryArgs, { indexFile }).pipe(Effect.fork)
        const diffArgs = [
          "diff", ...diffFlags, "--binary", "--full-index", `--output=${options.patchFile}`, base, ...pathspec(options)
        ]
        const hash = createHash("sha256")
        let bytes = 0
        const observed = yield* Effect.scoped(
          Effect.gen(function*() {
            // Created here, private and new (a link or file already there fails), before git truncates and fills it.
            const file = yield* fs.writeFile(options.patchFile, new Uint8Array(0), { flag: "wx", mode: 0o600 }).pipe(
              Effect.zipRight(fs.open(options.patchFile, { flag: "r" })),
              Effect.mapError(asGitFailed(["(patch file)"]))
            )
            const process = yield* executor.start(command(root, diffArgs, { indexFile })).pipe(
              Effect.mapError(asGitFailed(diffArgs))
            )
            const stderr = yield* collect(process.stderr).pipe(Effect.fork)
            const exitCode = yield* process.exitCode.pipe(Effect.fork)
            const finished = Effect.gen(function*() {
              const code = yield* Fiber.join(exitCode)
              if (code !== 0) {
                return yield* new GitFailed({ args: diffArgs, exitCode: code, stderr: yield* Fiber.join(stderr).pipe(
                  Effect.orElseSucceed(() => "")
                ) })
              }
            })
            const exited = Effect.map(Fiber.poll(exitCode), Option.isSome)
            const patch = followFile(file, exited).pipe(
              Stream.tap((chunk) =>
                Effect.sync(() => {
                  hash.update(chunk)
                  bytes += chunk.length
                })
              ),
              Stream.concat(Stream.drain(Stream.fromEffect(finished))),
              Stream.mapError(asGitFailed(diffArgs))
            )
            return yield* observe(patch)
          })
        )
        const { files, gitlinks } = parseDiffSummary((yield* Fiber.join(summary)).stdout)
        const submodules = submodulesToRecord(
          yield* Effect.forEach(gitlinks, submoduleStateAt(root)),
          yield* Effect.forEach(withoutCommit, (repository) =>
            submoduleStateAt(root)({ path: repository, recorded: null, present: true }))
        )
        return { base, files, submodules, written: { bytes, sha256: hash.digest("hex") }, observed }
      })

    const prepareApplyCheck = (root: string, base: string | null, scratchDir: string) =>
      Effect.gen(function*() {
        const indexFile = `${scratchDir}/check-index`
        yield* run(root, ["read-tree", ...(base === null ? ["--empty"] : [base])], { indexFile })
        return (patchPath: string) =>
          run(root, ["apply", "--check", "--cached", patchPath], { indexFile, okCodes: [1, 128] }).pipe(
            Effect.map(({ exitCode, stderr }) => ({ applies: exitCode === 0, detail: exitCode === 0 ? "" : gitStderrLine(stderr) }))
          )
      })

    const trackedFiles = (root: string, path: string) =>
      run(root, ["ls-files", "-z", "--full-name", "--", `:(top)${path}`]).pipe(
        Effect.map(({ stdout }) => stdout.split("\0").filter((file) => file !== ""))
      )

    const relation = (root: string, commit: string) =>
      Effect.gen(function*() {
        if (!isObjectId(commit)) return { known: false } as const
        const args = ["rev-list", "--left-right", "--count", `${commit}...HEAD`]
        // 128: the commit is not in this repository, or HEAD has no commit yet.
        const { exitCode, stdout } = yield* run(root, args, { okCodes: [128] })
        if (exitCode !== 0) return { known: false } as const
        const counted = parseLeftRightCount(stdout)
        if (counted === undefined) return yield* new GitFailed({ args, exitCode, stderr: `unexpected output: ${stdout}` })
        return counted
      })

    // The patch is applied exactly as captured: the user's apply.whitespace setting must not "fix" or refuse it.
    const applyArgs = (mode: ApplyMode) => [
      "apply",
      "--whitespace=nowarn",
      ...(mode.threeWay ? ["--3way"] : mode.index ? ["--index"] : [])
    ]

    const checkApply = (root: string, patchPath: string, options: ApplyCheckOptions) =>
      run(root, [...applyArgs(options), "--check", ...(options.reverse ? ["--reverse"] : []), "--", patchPath], {
        okCodes: [1, 128]
      }).pipe(Effect.map(({ exitCode, stderr }) => ({ applies: exitCode === 0, stderr })))

    const applyPatch = (root: string, patchPath: string, mode: ApplyMode) =>
      Effect.gen(function*() {
        const args = [...applyArgs(mode), "--", patchPath]
        // --3way exits 1 when it leaves conflicts: the unmerged files say whether that is what happened.
        const applied = yield* run(root, args, { okCodes: mode.threeWay ? [1] : [] })
        if (!mode.threeWay) return { conflicted: [] }
        const { stdout } = yield* run(root, ["diff", "--name-only", "--diff-filter=U", "-z"])
        const conflicted = [...new Set(stdout.split("\0").filter((file) => file !== ""))]
        if (applied.exitCode !== 0 && conflicted.length === 0) {
          return yield* new GitFailed({ args, exitCode: applied.exitCode, stderr: applied.stderr })
        }
        return { conflicted }
      })

    return Git.of({ topLevel, repoState, workspacePatch, prepareApplyCheck, trackedFiles, relation, checkApply, applyPatch })
  })
)
