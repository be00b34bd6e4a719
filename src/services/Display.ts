import * as Context from "effect/Context"
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
 * a layer both are plain pipes: only the CLI's main layer (DisplayLive) looks at the real streams, so hooks' and
 * tests' output is never styled unless they ask.
 */
export class Display extends Context.Reference<Display>()("handover/Display", {
  defaultValue: (): { readonly stdout: DisplayStream; readonly stderr: DisplayStream } => ({ stdout: pipe, stderr: pipe })
}) {}
