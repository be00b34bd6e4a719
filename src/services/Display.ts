import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import { plainStyle, type Style } from "../domain/Style.js"

/** What one output stream is: a terminal or not, how wide, and the styles it takes (see shouldStyle). */
export interface DisplayStream {
  readonly isTTY: boolean
  /** Its width in columns; 80 where it cannot be told. */
  readonly columns: number
  readonly style: Style
}

const pipe: DisplayStream = { isTTY: false, columns: 80, style: plainStyle }

/**
 * How stdout and stderr are shown, each decided on its own (stdout may be piped while stderr is a terminal). Without
 * a layer both are plain pipes and progress shows nowhere: only the CLI's main layer (DisplayLive) looks at the real
 * streams, so the output of tests is never styled unless they ask.
 */
export class Display extends Context.Reference<Display>()("handover/Display", {
  defaultValue: (): {
    readonly stdout: DisplayStream
    readonly stderr: DisplayStream
    /**
     * Runs `work` showing the progress it reports (the Progress service) on stderr when that is a terminal, erased
     * when the work ends, whichever way. Commands ask for it for people only: never with --json, never in a hook.
     */
    readonly showProgress: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  } => ({ stdout: pipe, stderr: pipe, showProgress: (work) => work })
}) {}
