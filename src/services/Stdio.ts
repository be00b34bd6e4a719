import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { InputInvalid } from "../domain/errors.js"

export interface StdinLimits {
  readonly maxBytes: number
  /** Give up waiting after this long (hooks must never hang on a pipe that stays open); null waits. */
  readonly timeoutMs: number | null
  /** Read even when standard input is a terminal (for `--summary-file -`). */
  readonly fromTerminal: boolean
}

export interface StdinText {
  readonly text: string
  /** More than maxBytes arrived: text holds only the first maxBytes. */
  readonly overLimit: boolean
}

/**
 * What the user hands handover besides flags, and raw bytes out: standard input and files named on the command line,
 * each bounded, and stdout where text through Console does not fit.
 */
export class Stdio extends Context.Tag("handover/Stdio")<Stdio, {
  /** What arrived within the limits; "" for a terminal when fromTerminal is false. */
  readonly read: (limits: StdinLimits) => Effect.Effect<StdinText>
  /**
   * A file named on the command line, as text: regular files only (a FIFO or a device would block or never end)
   * and at most maxBytes; anything else is an InputInvalid that says why.
   */
  readonly readFile: (path: string, maxBytes: number) => Effect.Effect<string, InputInvalid>
  /** Writes a file into a directory named on the command line (created when missing), atomically. */
  readonly writeFile: (dir: string, name: string, text: string) => Effect.Effect<string, InputInvalid>
  /** Copies bytes to stdout unchanged (a patch is not necessarily UTF-8). */
  readonly writeStdout: <E>(bytes: Stream.Stream<Uint8Array, E>) => Effect.Effect<void, E>
}>() {}
