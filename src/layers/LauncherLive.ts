import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { spawn } from "node:child_process"
import { constants } from "node:os"
import { isatty } from "node:tty"
import { LaunchFailed } from "../domain/errors.js"
import { type ChildExit, Launcher, type LaunchRequest } from "../services/Launcher.js"

const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const

const launchFailed = (program: string, error: NodeJS.ErrnoException): LaunchFailed =>
  new LaunchFailed({
    program,
    reason: error.code === "ENOENT" ? "notFound" : error.code === "EACCES" ? "notExecutable" : "other",
    detail: error.code ?? error.message
  })

/** What handover wrote to stderr reaches it before the child does (a pipe takes writes asynchronously). */
const stderrFlushed = Effect.async<void>((resume) => {
  process.stderr.write("", () => resume(Effect.void))
})

const startAndWait = (request: LaunchRequest) =>
  Effect.async<ChildExit, LaunchFailed>((resume) => {
    // isatty, not process.stdin.isTTY: creating process.stdin on a terminal would make handover a reader of it too.
    const terminalSendsSigint = isatty(0)
    const child = spawn(request.program, [...request.args], { stdio: "inherit", env: request.env, shell: false })
    let done = false
    const forward = (signal: NodeJS.Signals) => {
      if (signal === "SIGINT" && terminalSendsSigint) return
      child.kill(signal)
    }
    const stopListening = () => {
      done = true
      for (const signal of forwardedSignals) process.off(signal, forward)
    }
    const finish = (outcome: Effect.Effect<ChildExit, LaunchFailed>) => {
      if (done) return
      stopListening()
      resume(outcome)
    }
    // Listening is what keeps handover alive on these signals: Node's default would end it and orphan the child.
    for (const signal of forwardedSignals) process.on(signal, forward)
    child.on("error", (error) => {
      // Only a child that never started (no pid) is a failed launch; a signal that could not be sent is not one.
      if (child.pid === undefined) finish(Effect.fail(launchFailed(request.program, error)))
    })
    child.once("exit", (code, signal) =>
      finish(Effect.succeed(
        signal === null ? { code: code ?? 1, signal: null } : { code: 128 + (constants.signals[signal] ?? 0), signal }
      )))
    // Interrupted only when handover itself is torn down: the child must not outlive it unnoticed.
    return Effect.sync(() => {
      if (done) return
      stopListening()
      child.kill("SIGTERM")
    })
  })

const launch = (request: LaunchRequest) => Effect.zipRight(stderrFlushed, startAndWait(request))

export const LauncherLive = Layer.succeed(Launcher, Launcher.of({ launch }))
