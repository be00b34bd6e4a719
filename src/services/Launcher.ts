import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { LaunchFailed } from "../domain/errors.js"

/** How a child ended: its exit code, or the signal that killed it with the code a shell reports (128 + its number). */
export interface ChildExit {
  readonly code: number
  readonly signal: string | null
}

export interface LaunchRequest {
  readonly program: string
  /** Passed as they are: no shell, no splitting, no globbing. */
  readonly args: ReadonlyArray<string>
  /** The child's whole environment. */
  readonly env: Readonly<Record<string, string>>
}

/** Starts the command `run` hands the work to. */
export class Launcher extends Context.Tag("handover/Launcher")<Launcher, {
  /**
   * Starts the program in the current directory with stdin, stdout and stderr inherited, and waits until it ends.
   * While it runs, SIGINT, SIGTERM and SIGHUP sent to handover are passed on to it and do not stop handover, which
   * keeps waiting for the child's own exit; SIGINT is not passed on when stdin is a terminal, where Ctrl-C already
   * reaches the whole foreground process group. Fails with LaunchFailed only when the program could not be started.
   */
  readonly launch: (request: LaunchRequest) => Effect.Effect<ChildExit, LaunchFailed>
}>() {}
