import * as Layer from "effect/Layer"
import { styleFor } from "../domain/Style.js"
import { Display, type DisplayStream } from "../services/Display.js"

const describe = (stream: NodeJS.WriteStream): DisplayStream => {
  const isTTY = stream.isTTY === true
  return { isTTY, columns: isTTY && stream.columns > 0 ? stream.columns : 80, style: styleFor({ isTTY, env: process.env }) }
}

export const DisplayLive = Layer.sync(Display, () => ({ stdout: describe(process.stdout), stderr: describe(process.stderr) }))
