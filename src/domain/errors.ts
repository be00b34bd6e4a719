import * as Data from "effect/Data"
import { daemonUnavailableMessage } from "./ConnectFailure.js"
import { listPaths } from "./PatchApply.js"
import { clipAtWord } from "./Text.js"

// Every error a user can meet carries a message that says what failed and what to do about it.

export class NotAGitRepository extends Data.TaggedError("NotAGitRepository")<{
  readonly cwd: string
}> {
  override get message() {
    return `${this.cwd} is not inside a git repository: run handover from a git working tree (git init creates one)`
  }
}

/**
 * git's stderr as one line short enough for a message: git wraps one sentence over several lines, so the lines are
 * joined rather than the first one kept, and a cut falls between words. "hint:" lines go: they suggest git options and
 * settings of a command that handover chose, nothing a user of handover can act on.
 */
export const gitStderrLine = (stderr: string): string =>
  clipAtWord(
    stderr.split("\n").filter((line) => !line.trimStart().startsWith("hint:")).join(" ").replace(/\s+/g, " ").trim(),
    300
  )

export class GitFailed extends Data.TaggedError("GitFailed")<{
  readonly args: ReadonlyArray<string>
  readonly exitCode: number
  readonly stderr: string
}> {
  override get message() {
    const detail = gitStderrLine(this.stderr)
    return `git ${this.args.join(" ")} failed (exit ${this.exitCode})${detail ? `: ${detail}` : ""}; check the repository with git status`
  }
}

export class StoreIoError extends Data.TaggedError("StoreIoError")<{
  readonly path: string
  readonly action: string
  readonly reason: string
}> {
  override get message() {
    return `could not ${this.action} ${this.path}: ${this.reason}; check its permissions and free space`
  }
}

/** Something in the store that handover did not make and will not follow: a symbolic link, a special file, an oversized file. */
export class StoreUnsafe extends Data.TaggedError("StoreUnsafe")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `refusing to use ${this.path}: ${this.reason}; handover never follows links or reads special files in its store, so remove it (it may have come with the repository) and try again`
  }
}

export class StoreNotInitialised extends Data.TaggedError("StoreNotInitialised")<{
  readonly root: string
}> {
  override get message() {
    return `${this.root} has no .handover/config.json: run handover enable (init and install in one step)`
  }
}

/** installed.json that git tracks came with the repository: disable would restore whatever text it claims. */
export class ManifestCommitted extends Data.TaggedError("ManifestCommitted")<{
  readonly path: string
}> {
  override get message() {
    return `${this.path} is committed in this repository, and handover trusts only the install record it wrote itself; untrack it (git rm --cached) and check what it says before enabling or disabling`
  }
}

export class ConfigInvalid extends Data.TaggedError("ConfigInvalid")<{
  readonly source: string
  readonly field: string
  readonly reason: string
}> {
  override get message() {
    const where = this.field ? `${this.source}: ${this.field}` : this.source
    return `invalid config in ${where}: ${this.reason}; fix it, or run handover print-config --defaults to see the defaults`
  }
}

export class InvalidBundleId extends Data.TaggedError("InvalidBundleId")<{
  readonly id: string
}> {
  override get message() {
    return `invalid bundle id ${JSON.stringify(this.id)}: ids look like 20261125T164500Z-7f3a; run handover status to list them`
  }
}

export class BundleNotFound extends Data.TaggedError("BundleNotFound")<{
  readonly id: string
}> {
  override get message() {
    return this.id === "current"
      ? "no current bundle: run handover capture first"
      : `no bundle ${this.id}: run handover status to list the bundles`
  }
}

export class BundleCorrupt extends Data.TaggedError("BundleCorrupt")<{
  readonly path: string
  readonly reason: string
  /** The bundle directory's name, when the file is a bundle's. */
  readonly bundleId?: string
}> {
  override get message() {
    return `${this.path} is corrupt (${this.reason}); delete that bundle directory or capture again`
  }
}

export class AlreadyClaimed extends Data.TaggedError("AlreadyClaimed")<{
  readonly id: string
  readonly by: string
  readonly at: string
}> {
  override get message() {
    return `bundle ${this.id} was already claimed by ${this.by} at ${this.at}; run handover inspect ${this.id} to read it`
  }
}

export class NothingPending extends Data.TaggedError("NothingPending")<{
  readonly detail?: string
}> {
  override get message() {
    return `no handover is pending${this.detail ? ` (${this.detail})` : ""}`
  }
}

export class StoreBusy extends Data.TaggedError("StoreBusy")<{
  readonly holder: string
}> {
  override get message() {
    return `the .handover store is locked by ${this.holder}; wait for it to finish and try again`
  }
}

export class PatchTooLarge extends Data.TaggedError("PatchTooLarge")<{
  readonly limit: number
}> {
  // Capture stops writing the patch the moment it crosses the limit, so its full size is never known.
  override get message() {
    return `the workspace patch exceeds capture.maxPatchBytes (${this.limit} bytes), so capture stopped; commit or ignore large files, or raise the limit`
  }
}

// Errors of pickup --apply, one of the two commands that write outside .handover/: it checks before it writes.

/** workspace.patch is missing or differs from the size and sha256 bundle.json recorded: it is never applied. */
export class PatchMismatch extends Data.TaggedError("PatchMismatch")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `${this.path} ${this.reason}, so it is not the patch that was captured; nothing was applied or claimed; capture again, or read it with handover inspect --patch before applying it by hand`
  }
}

/** The patch would not apply to this working tree as it is: refused before anything was written. */
export class PatchDoesNotApply extends Data.TaggedError("PatchDoesNotApply")<{
  readonly id: string
  readonly paths: ReadonlyArray<string>
  readonly detail: string
}> {
  override get message() {
    const where = this.paths.length > 0 ? `: conflicts in ${listPaths(this.paths)}` : ` (${gitStderrLine(this.detail)})`
    return `workspace.patch of bundle ${this.id} does not apply to this working tree${where}; nothing was changed or claimed; run handover pickup --apply --3way ${this.id} to merge it, leaving conflict markers where it does not fit`
  }
}

/** git apply --3way merged the patch, leaving conflict markers in these files. */
export class PatchConflicts extends Data.TaggedError("PatchConflicts")<{
  readonly paths: ReadonlyArray<string>
}> {
  override get message() {
    return `applied workspace.patch with --3way, leaving conflict markers in ${this.paths.length} file${
      this.paths.length === 1 ? "" : "s"
    }: ${listPaths(this.paths)}; resolve them, then git add each file`
  }
}

export class SecretsBlocked extends Data.TaggedError("SecretsBlocked")<{
  readonly count: number
  readonly first: string
}> {
  override get message() {
    return `capture refused: ${this.count} possible secret(s) in the patch, first ${this.first}; remove them, or set capture.secrets to "warn"`
  }
}

export class InputInvalid extends Data.TaggedError("InputInvalid")<{
  readonly what: string
  readonly reason: string
}> {
  override get message() {
    return `${this.what}: ${this.reason}`
  }
}

export class DaemonUnavailable extends Data.TaggedError("DaemonUnavailable")<{
  readonly socketPath: string
  readonly reason: string
}> {
  override get message() {
    return daemonUnavailableMessage(this.socketPath, this.reason)
  }
}

export class DaemonTimeout extends Data.TaggedError("DaemonTimeout")<{
  readonly socketPath: string
  readonly timeoutMs: number
}> {
  override get message() {
    return `openusage daemon at ${this.socketPath} did not answer within ${this.timeoutMs} ms; restart it, or raise openusage.timeoutMs`
  }
}

export class DaemonProtocolError extends Data.TaggedError("DaemonProtocolError")<{
  readonly socketPath: string
  readonly reason: string
}> {
  override get message() {
    return `openusage daemon at ${this.socketPath} answered unexpectedly (${this.reason}); check that it is openusage and up to date`
  }
}

export type OpenUsageError = DaemonUnavailable | DaemonTimeout | DaemonProtocolError

/** Errors whose exit code is 3 rather than 1: a normal "no" for scripts, not a failure. */
export const isNothingPending = (error: unknown): error is NothingPending =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "NothingPending"

// Errors of install and disable, the only commands that write outside .handover/. Each says that nothing was changed:
// a refused install or disable writes nothing anywhere.

/** A target that handover will not write through: a symbolic link, a special file, a directory, an oversized file. */
export class SurfaceUnsafe extends Data.TaggedError("SurfaceUnsafe")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `refusing to write ${this.path}: ${this.reason}; handover never writes through links or into special files, so replace it with a regular file (or remove it) and run again; nothing was changed`
  }
}

/** A file to edit whose contents handover cannot edit safely: malformed JSON, a YAML shape it does not know, a file in the way. */
export class SurfaceConflict extends Data.TaggedError("SurfaceConflict")<{
  readonly path: string
  readonly reason: string
  /** What the user can do about it. */
  readonly fix: string
}> {
  override get message() {
    return `cannot edit ${this.path}: ${this.reason}; ${this.fix}; nothing was changed`
  }
}

export class SurfaceIoError extends Data.TaggedError("SurfaceIoError")<{
  readonly path: string
  readonly action: string
  readonly reason: string
}> {
  override get message() {
    return `could not ${this.action} ${this.path}: ${this.reason}; check its permissions and free space, then run again`
  }
}

/** .handover/installed.json cannot be read as what install wrote, so disable does not know what to take back. */
export class InstalledManifestCorrupt extends Data.TaggedError("InstalledManifestCorrupt")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `${this.path} is corrupt (${this.reason}); restore it from a backup, or remove handover's hooks and blocks by hand and delete it`
  }
}

export type SurfaceError = SurfaceUnsafe | SurfaceConflict | SurfaceIoError | InstalledManifestCorrupt

/** `run` could not start CMD at all; the exit code is the one a shell gives (127 not found, 126 not executable). */
export class LaunchFailed extends Data.TaggedError("LaunchFailed")<{
  readonly program: string
  readonly reason: "notFound" | "notExecutable" | "other"
  readonly detail: string
}> {
  override get message() {
    switch (this.reason) {
      case "notFound":
        return `${this.program}: command not found; check its name or put it on PATH`
      case "notExecutable":
        return `${this.program}: not executable (${this.detail}); check its permissions`
      case "other":
        return `${this.program}: could not start it (${this.detail})`
    }
  }

  get exitCode(): number {
    return this.reason === "notFound" ? 127 : 126
  }
}
