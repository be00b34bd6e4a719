import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

export interface StdinLimits {
  readonly maxBytes: number
  /** Give up waiting after this long (hooks must never hang on a pipe that stays open); null waits. */
  readonly timeoutMs: number | null
  /** Read even when standard input is a terminal (for `--summary-file -`). */
  readonly fromTerminal: boolean
}

/** The process's standard streams where text through Console does not fit: bounded input and raw bytes out. */
export class Stdio extends Context.Tag("handover/Stdio")<Stdio, {
  /** What arrived within the limits; "" for a terminal when fromTerminal is false. Truncated past maxBytes. */
  readonly read: (limits: StdinLimits) => Effect.Effect<string>
  /** Copies bytes to stdout unchanged (a patch is not necessarily UTF-8). */
  readonly writeStdout: <E>(bytes: Stream.Stream<Uint8Array, E>) => Effect.Effect<void, E>
}>() {}
