import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { isNothingPending } from "./domain/errors.js"
import { printableLine } from "./domain/Text.js"
import { run } from "./Cli.js"
import { MainLive } from "./layers/MainLive.js"

const argv = process.argv.length > 2 ? process.argv : [...process.argv, "--help"]
/** Hooks run inside the agent: whatever happens they exit 0 and never break it. */
const failOpen = ["on-event", "session-start"].includes(argv[2] ?? "")

/** Messages quote config files, bundle.json, git and the daemon: escaped, so that they stay one harmless line. */
const errorLine = (error: unknown): string =>
  `handover: ${printableLine(error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { message: unknown }).message)
    : String(error))}`

const main = run(argv).pipe(
  Effect.as(0),
  Effect.catchAll((error) => {
    // @effect/cli has already printed its own usage errors.
    if (ValidationError.isValidationError(error)) return Effect.succeed(failOpen ? 0 : 2)
    if (isNothingPending(error)) return Console.error(errorLine(error)).pipe(Effect.as(3))
    return Console.error(errorLine(error)).pipe(Effect.as(failOpen ? 0 : 1))
  }),
  Effect.catchAllDefect((defect) =>
    Console.error(`handover: internal error: ${errorLine(defect).slice(10)}; please report it`).pipe(
      Effect.as(failOpen ? 0 : 1)
    )
  ),
  Effect.provide(MainLive)
)

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    onExit(
      Exit.isSuccess(exit)
        ? typeof exit.value === "number" ? exit.value : 0
        : failOpen || Cause.isInterruptedOnly(exit.cause) ? 0 : 1
    )
})
