import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InputInvalid } from "../domain/errors.js"
import { Store } from "../services/Store.js"
import { Stdio } from "../services/Stdio.js"

const maxSummaryBytes = 1024 * 1024

/** Text from a file, or from standard input when the path is "-". */
export const readInput = (path: string, cwd: string) =>
  Effect.gen(function*() {
    if (path === "-") {
      return yield* (yield* Stdio).read({ maxBytes: maxSummaryBytes, timeoutMs: null, fromTerminal: true })
    }
    const store = yield* Store
    const absolute = path.startsWith("/") ? path : `${cwd}/${path}`
    const text = yield* store.readText(absolute).pipe(
      Effect.catchTag("StoreIoError", (error) => Effect.fail(new InputInvalid({ what: path, reason: error.reason })))
    )
    return yield* Option.match(text, {
      onNone: () => Effect.fail(new InputInvalid({ what: path, reason: "no such file" })),
      onSome: Effect.succeed
    })
  })
