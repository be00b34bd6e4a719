import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { Bundle, Claim } from "../domain/Bundle.js"
import type { AlreadyClaimed, BundleCorrupt, BundleNotFound, StoreBusy, StoreIoError } from "../domain/errors.js"

/** A bundle being written: invisible to readers until `commitBundle` renames it into place. */
export interface StagedBundle {
  readonly id: string
  readonly dir: string
  readonly patchPath: string
}

export interface WrittenFile {
  readonly bytes: number
  readonly sha256: string
}

/** The `.handover/` store at a git top level: every write atomic, private files 0600 in 0700 directories. */
export class Store extends Context.Tag("handover/Store")<Store, {
  readonly isInitialised: (root: string) => Effect.Effect<boolean, StoreIoError>
  /** Creates the directories and .gitignore when missing; never touches an existing config. */
  readonly ensure: (root: string) => Effect.Effect<void, StoreIoError>
  readonly readConfigText: (root: string) => Effect.Effect<Option.Option<string>, StoreIoError>
  /** Writes config.json only when none exists; true when it wrote one. */
  readonly writeConfigIfMissing: (root: string, text: string) => Effect.Effect<boolean, StoreIoError>
  /** Runs the effect holding state/lock; a lock whose holder is gone is recovered, a live one is waited for. */
  readonly withLock: <A, E, R>(
    root: string,
    purpose: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | StoreBusy | StoreIoError, R>
  /** A private staging directory for a new bundle, removed with the scope unless committed. */
  readonly stageBundle: (root: string, id: string) => Effect.Effect<StagedBundle, StoreIoError, Scope.Scope>
  /** Streams bytes into a file, counting and hashing them on the way; memory stays flat. */
  readonly writeStream: <E>(
    path: string,
    stream: Stream.Stream<Uint8Array, E>
  ) => Effect.Effect<WrittenFile, E | StoreIoError>
  /** Writes bundle.json and summary.md into the staged bundle, then renames it into bundles/ in one step. */
  readonly commitBundle: (
    root: string,
    staged: StagedBundle,
    bundle: Bundle,
    summary: string
  ) => Effect.Effect<void, StoreIoError>
  readonly listBundles: (
    root: string
  ) => Effect.Effect<ReadonlyArray<Either.Either<Bundle, BundleCorrupt>>, StoreIoError>
  readonly readBundle: (
    root: string,
    id: string
  ) => Effect.Effect<Bundle, BundleNotFound | BundleCorrupt | StoreIoError>
  /** The id in current/bundle.json, if any. */
  readonly currentId: (root: string) => Effect.Effect<Option.Option<string>, BundleCorrupt | StoreIoError>
  /** Creates claim.json exclusively, so of several racing claimers exactly one wins; returns the claimed bundle. */
  readonly claim: (
    root: string,
    bundle: Bundle,
    claim: Claim
  ) => Effect.Effect<Bundle, AlreadyClaimed | StoreIoError>
  /** Points current/ at the bundle: summary.md, workspace.patch and bundle.json, each replaced atomically. */
  readonly promote: (root: string, bundle: Bundle, summary: string) => Effect.Effect<void, StoreIoError>
  readonly removeBundles: (root: string, ids: ReadonlyArray<string>) => Effect.Effect<void, StoreIoError>
  readonly readText: (path: string) => Effect.Effect<Option.Option<string>, StoreIoError>
  /** Atomic replace of a private file (0600). */
  readonly writeText: (path: string, text: string) => Effect.Effect<void, StoreIoError>
  readonly streamFile: (path: string) => Stream.Stream<Uint8Array, StoreIoError>
  /** Appends one line to state/events.log, rotating it to events.log.1 past its size bound. */
  readonly appendEvent: (root: string, line: string) => Effect.Effect<void, StoreIoError>
  /** The last maxBytes of a file (a transcript), or none when it is missing or not a regular file. */
  readonly readTail: (path: string, maxBytes: number) => Effect.Effect<Option.Option<string>, StoreIoError>
  /** Size and sha256 of a file, to check a patch against its bundle.json; none when it is missing. */
  readonly hashFile: (path: string) => Effect.Effect<Option.Option<WrittenFile>, StoreIoError>
}>() {}
