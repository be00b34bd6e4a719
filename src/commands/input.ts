import * as Effect from "effect/Effect"
import { InputInvalid } from "../domain/errors.js"
import { Stdio } from "../services/Stdio.js"

/** A summary is a page of text: bounded, so that a stray file cannot make a bundle.json of hundreds of megabytes. */
const maxSummaryBytes = 1024 * 1024

/** Text from a file, or from standard input when the path is "-". */
export const readInput = (path: string, cwd: string) =>
  Effect.gen(function*() {
    const stdio = yield* Stdio
    if (path !== "-") return yield* stdio.readFile(path.startsWith("/") ? path : `${cwd}/${path}`, maxSummaryBytes)
    const input = yield* stdio.read({ maxBytes: maxSummaryBytes, timeoutMs: null, fromTerminal: true })
    if (input.overLimit) {
      return yield* new InputInvalid({ what: "standard input", reason: `more than ${maxSummaryBytes} bytes; a summary must be shorter` })
    }
    return input.text
  })
