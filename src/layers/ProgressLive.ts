import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import {
  drawLine,
  eraseLine,
  makePatchFileCounter,
  type ProgressState,
  progressLine,
  redrawDue,
  showsProgress
} from "../domain/Progress.js"
import type { DisplayStream } from "../services/Display.js"
import { Progress } from "../services/Progress.js"

const patchStep = "writing the patch"

export interface ProgressTerminal {
  /** What stderr is. */
  readonly stderr: DisplayStream
  /** Writes to stderr. */
  readonly write: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * Progress on stderr while the work it is provided to runs, when stderr is a terminal (see showsProgress); silent
 * otherwise. A new step is drawn at once, the patch's count at most every progressIntervalMillis. The line is
 * erased when that work ends, whichever way, so the command's own output starts clean.
 */
export const makeProgressLive = (terminal: ProgressTerminal) =>
  Layer.scoped(
    Progress,
    Effect.gen(function*() {
      const { stderr } = terminal
      if (!showsProgress({ isTTY: stderr.isTTY, env: terminal.env })) return Progress.defaultValue()
      let state: ProgressState | null = null
      let drawn: ProgressState | null = null
      let lastDraw: number | null = null
      const draw = (nowMillis: number) => {
        if (state === null || state === drawn) return
        terminal.write(drawLine(progressLine(state, stderr.columns)))
        drawn = state
        lastDraw = nowMillis
      }
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          if (drawn !== null) terminal.write(eraseLine)
        })
      )
      const counter = makePatchFileCounter()
      let bytes = 0
      return Progress.of({
        step: (label) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            state = { step: label, patch: null }
            draw(now)
          }),
        patchWritten: (chunk) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            bytes += chunk.length
            const first = state?.step !== patchStep
            state = { step: patchStep, patch: { files: counter.push(chunk), bytes } }
            if (first || redrawDue(lastDraw, now)) draw(now)
          })
      })
    })
  )

