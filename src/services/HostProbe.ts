import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { PathFacts, ProgramAnswer } from "../domain/Doctor.js"

/**
 * Read-only looks at this machine, for `doctor`. Nothing here writes anything. `lstat` and `readFile` never follow a
 * symbolic link at the path they are given (the store may hold hostile links); `stat` does, for programs and the
 * compile cache, which are the user's own.
 */
export class HostProbe extends Context.Tag("handover/HostProbe")<HostProbe, {
  /** The node running handover, as `process.version` says it ("v20.11.1"). */
  readonly nodeVersion: string
  /** What is at the path itself: a link is reported as one, never followed. */
  readonly lstat: (path: string) => Effect.Effect<PathFacts>
  /** What is at the path, following links; never a Link. */
  readonly stat: (path: string) => Effect.Effect<PathFacts>
  /** The path with every link resolved; none when it does not exist. */
  readonly realPath: (path: string) => Effect.Effect<Option.Option<string>>
  /** The names in a directory, at most `max` of them (a directory that is a link is not listed). */
  readonly list: (path: string, max: number) => Effect.Effect<ReadonlyArray<string>>
  /** A regular file's text, at most maxBytes of it, never through a link; none when missing; why not otherwise. */
  readonly readFile: (path: string, maxBytes: number) => Effect.Effect<Option.Option<string>, string>
  /** Where `name` is on PATH as an executable file, or none. */
  readonly which: (name: string) => Effect.Effect<Option.Option<string>>
  /**
   * Runs argv without a shell, stdin closed, and returns its first line of output; a non-zero exit, a failure to
   * start or no answer within timeoutMs (the program is then killed) is Failed with why.
   */
  readonly firstLineOf: (argv: ReadonlyArray<string>, timeoutMs: number) => Effect.Effect<ProgramAnswer>
}>() {}
