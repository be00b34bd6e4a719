import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { Bundle, Claim } from "../domain/Bundle.js"
import type {
  AlreadyClaimed,
  BundleCorrupt,
  BundleNotFound,
  StoreBusy,
  StoreIoError,
  StoreUnsafe
} from "../domain/errors.js"

/** A bundle being written: invisible to readers until `publishBundle` renames it into place. */
export interface StagedBundle {
  readonly id: string
  readonly dir: string
  readonly patchPath: string
  /** A private directory for the capture's temporary files (git's index copy); swept with the staging directory. */
  readonly scratchDir: string
}

export interface WrittenFile {
  readonly bytes: number
  readonly sha256: string
}

/** A file of the state directory, by name: the trigger memory. */
export type StateFile = "trigger.json"

/**
 * The `.handover/` store at a git top level: every write atomic, private files 0600 in 0700 directories.
 *
 * The store may have come with a cloned repository, so nothing in it is trusted: no read, write, append, chmod or
 * delete follows a symbolic link below the top level, special files are never opened, every file read is bounded, and
 * an id read from disk must be its directory's name. What fails these checks is refused (StoreUnsafe) or, for one
 * bundle among others, reported corrupt.
 */
export class Store extends Context.Tag("handover/Store")<Store, {
  readonly isInitialised: (root: string) => Effect.Effect<boolean, StoreIoError>
  /** Creates the directories and .gitignore when missing; never touches an existing config. */
  readonly ensure: (root: string) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  readonly readConfigText: (root: string) => Effect.Effect<Option.Option<string>, StoreIoError | StoreUnsafe>
  /** Writes config.json only when none exists; true when it wrote one. */
  readonly writeConfigIfMissing: (root: string, text: string) => Effect.Effect<boolean, StoreIoError | StoreUnsafe>
  /**
   * Runs the effect holding state/lock; a lock whose holder is gone is recovered, a live one is waited for. Once it
   * holds the lock it sweeps what killed processes left: staging directories and temporary files.
   */
  readonly withLock: <A, E, R>(
    root: string,
    purpose: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | StoreBusy | StoreIoError | StoreUnsafe, R>
  /** A private staging directory for a new bundle, removed with the scope unless published. */
  readonly stageBundle: (
    root: string,
    id: string
  ) => Effect.Effect<StagedBundle, StoreIoError | StoreUnsafe, Scope.Scope>
  /**
   * Writes bundle.json and summary.md into the staged bundle, renames it into bundles/ and points current/ at it.
   * Whole or not at all: when any step fails the bundle is taken back and the store is as it was.
   */
  readonly publishBundle: (
    root: string,
    staged: StagedBundle,
    bundle: Bundle,
    summary: string
  ) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  /** Every entry of bundles/: a bundle, or why it is not one (it is then never touched). */
  readonly listBundles: (
    root: string
  ) => Effect.Effect<ReadonlyArray<Either.Either<Bundle, BundleCorrupt>>, StoreIoError | StoreUnsafe>
  readonly readBundle: (
    root: string,
    id: string
  ) => Effect.Effect<Bundle, BundleNotFound | BundleCorrupt | StoreIoError | StoreUnsafe>
  /** The bundle current/ points at, if any. */
  readonly currentId: (root: string) => Effect.Effect<Option.Option<string>, BundleCorrupt | StoreIoError | StoreUnsafe>
  /** Creates claim.json exclusively, so of several racing claimers exactly one wins; returns the claimed bundle. */
  readonly claim: (
    root: string,
    bundle: Bundle,
    claim: Claim
  ) => Effect.Effect<Bundle, AlreadyClaimed | StoreIoError | StoreUnsafe>
  /** Rewrites the bundle's summary.md, then points current/ at it in one step (one rename of a link). */
  readonly promote: (root: string, bundle: Bundle, summary: string) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  /** Deletes bundle directories; an id that is not a bundle directory's own name is refused, never followed. */
  readonly removeBundles: (root: string, ids: ReadonlyArray<string>) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  readonly readState: (root: string, file: StateFile) => Effect.Effect<Option.Option<string>, StoreIoError | StoreUnsafe>
  /** Atomic replace of a private state file (0600). */
  readonly writeState: (root: string, file: StateFile, text: string) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  /** Atomic replace of a file in rendered/ (0600), the directory created when missing; returns its path. */
  readonly writeRendered: (root: string, name: string, text: string) => Effect.Effect<string, StoreIoError | StoreUnsafe>
  /** The raw bytes of a bundle's workspace.patch. */
  readonly streamPatch: (root: string, id: string) => Stream.Stream<Uint8Array, StoreIoError | StoreUnsafe>
  /** Size and sha256 of a bundle's workspace.patch, to check it against bundle.json; none when it is missing. */
  readonly hashPatch: (root: string, id: string) => Effect.Effect<Option.Option<WrittenFile>, StoreIoError | StoreUnsafe>
  /** Appends one line to state/events.log (creating state/ when missing), rotating it past its size bound. */
  readonly appendEvent: (root: string, line: string) => Effect.Effect<void, StoreIoError | StoreUnsafe>
  /** The last maxBytes of a file (a transcript), or none when it is missing or not a regular file. */
  readonly readTail: (path: string, maxBytes: number) => Effect.Effect<Option.Option<string>, StoreIoError>
  /**
   * Removes .handover/ but the files named in `keep` (relative to the top level: what git tracks there, such as a
   * committed config.json) and the directories that hold them; .handover itself goes when nothing is kept. A link is
   * removed itself, never followed.
   */
  readonly purge: (root: string, keep: ReadonlyArray<string>) => Effect.Effect<void, StoreIoError | StoreUnsafe>
}>() {}
