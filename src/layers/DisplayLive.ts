import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { styleFor } from "../domain/Style.js"
import { Display, type DisplayStream } from "../services/Display.js"
import { makeProgressLive } from "./ProgressLive.js"

const describe = (stream: NodeJS.WriteStream): DisplayStream => {
  const isTTY = stream.isTTY === true
  return { isTTY, columns: isTTY && stream.columns > 0 ? stream.columns : 80, style: styleFor({ isTTY, env: process.env }) }
}

/** The process's real stdout and stderr. */
export const DisplayLive = Layer.sync(Display, () => {
  const stderr = describe(process.stderr)
  const progress = makeProgressLive({ stderr, write: (text) => process.stderr.write(text), env: process.env })
  return Display.of({ stdout: describe(process.stdout), stderr, showProgress: (work) => Effect.provide(work, progress) })
})
