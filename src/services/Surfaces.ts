import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { SurfaceError } from "../domain/errors.js"
import type { AdapterSurfaces, Installed, ReportItem } from "../domain/Install.js"

/**
 * The guidance files and hook configs that install writes into a repository (outside .handover/), and their exact
 * rollback, recorded in .handover/installed.json. The caller holds the store lock (Store.withLock) around each call.
 *
 * Nothing here writes through a symbolic link: a target, or any directory on the way to it from the git top level,
 * that is a link is refused, as are special files and oversized files. Every write is atomic (a temporary file beside
 * the target, then a rename) and keeps an existing file's mode.
 */
export class Surfaces extends Context.Tag("handover/Surfaces")<Surfaces, {
  /**
   * Writes each adapter's surfaces, creating the directories they need, and records every change in installed.json
   * (before the files, so that a process killed halfway leaves nothing disable cannot find). All or nothing: every
   * target is read and checked first, and one refusal (a link, malformed JSON with its line and column, a file in the
   * way, a YAML list it cannot edit) changes nothing anywhere; a write that fails takes back the ones before it.
   * Idempotent: installing what is installed writes nothing, installed.json included.
   */
  readonly install: (
    root: string,
    requests: ReadonlyArray<AdapterSurfaces>
  ) => Effect.Effect<ReadonlyArray<ReportItem>, SurfaceError>
  /**
   * Takes back what installed.json records for these adapters (all of them with "all"): a file still as handover left
   * it becomes byte for byte what it was (a file handover created is deleted, with the directories it created once
   * they are empty); in a file the user edited since, only handover's entries, block or item are taken out, and one
   * the user edited is kept and reported. installed.json then records what is left, or is deleted when nothing is.
   * Every file is checked before the first is written.
   */
  readonly uninstall: (
    root: string,
    adapters: ReadonlyArray<string> | "all"
  ) => Effect.Effect<ReadonlyArray<ReportItem>, SurfaceError>
  /** What installed.json records; none when nothing is installed. */
  readonly installed: (root: string) => Effect.Effect<Option.Option<Installed>, SurfaceError>
}>() {}
