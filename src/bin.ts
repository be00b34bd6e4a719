import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { isNothingPending } from "./domain/errors.js"
import { printableLine } from "./domain/Text.js"
import { run } from "./Cli.js"
import { makeMainLive } from "./layers/MainLive.js"
import type { StdinText } from "./services/Stdio.js"

// The full CLI, loaded by the entry (src/gate/entry.ts) whenever the hook gate does not settle a command on its own.

const argv = process.argv
/** Hooks run inside the agent: whatever happens they exit 0 and never break it. */
const failOpen = ["on-event", "session-start"].includes(argv[2] ?? "")

/**
 * `run` exits with its child's code, which signals must not override: they are the child's to handle (the Launcher
 * passes them on while it runs), so neither the handlers below nor NodeRuntime's, which interrupt the work, apply.
 */
const launchesChild = argv[2] === "run"

/** A command stopped by SIGINT or SIGTERM exits 128 + the signal's number, as a shell reports it (130, 143). */
const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const
let stoppedBy: keyof typeof signalExitCodes | undefined
if (!launchesChild) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => (stoppedBy = signal))
}

/** Messages quote config files, bundle.json, git and the daemon: escaped, so that they stay one harmless line. */
const errorLine = (error: unknown): string =>
  `handover: ${printableLine(error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { message: unknown }).message)
    : String(error))}`

const main = (preread: StdinText | undefined) => run(argv).pipe(
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
  Effect.provide(makeMainLive(preread))
)

const exitCode = (exit: Exit.Exit<unknown, unknown>): number => {
  if (failOpen) return Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 0
  if (stoppedBy !== undefined) return signalExitCodes[stoppedBy]
  if (Exit.isSuccess(exit)) return typeof exit.value === "number" ? exit.value : 0
  return Cause.isInterruptedOnly(exit.cause) ? 130 : 1
}

/**
 * Exits as soon as the work is done and what was written has reached stdout and stderr: nothing left open (a hook's
 * stdin that its writer never closes, a socket) may keep the process, and with it the agent, waiting. A pipe takes
 * large output asynchronously, so the exit waits for the streams' queued writes (an empty write calls back after them).
 */
const exitWhenFlushed = (code: number) => {
  process.exitCode = code
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)))
}

/** Runs the command of process.argv; `preread` is the stdin the hook gate already read before handing it over. */
export const runCli = (preread?: StdinText): void => {
  if (launchesChild) {
    Effect.runFork(main(preread)).addObserver((exit) => exitWhenFlushed(exitCode(exit)))
  } else {
    NodeRuntime.runMain(main(preread), {
      disableErrorReporting: true,
      teardown: (exit) => exitWhenFlushed(exitCode(exit))
    })
  }
}
