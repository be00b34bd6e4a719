import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { doctorExitCode, doctorReport, renderChecks } from "../domain/Doctor.js"
import { Display } from "../services/Display.js"
import { runDoctor } from "../workflows/Doctor.js"
import { jsonOption, loadConfig, printJson } from "./common.js"
import { RunInvocation } from "./run.js"

export const doctorCommand = Command.make("doctor", { json: jsonOption }, (args) =>
  Effect.gen(function*() {
    const checks = yield* runDoctor((root) => loadConfig(root))
    if (args.json) yield* printJson(doctorReport(checks))
    else {
      const { stdout } = yield* Display
      yield* Console.log(renderChecks(checks, stdout.isTTY, stdout.style))
    }
    // A failed check is a finding, already printed with its fix: exit 1 without an error line of its own.
    yield* Ref.set((yield* RunInvocation).exitCode, doctorExitCode(checks))
  })).pipe(Command.withDescription(
    "check the set-up (node, git, the store, the config, openusage and each tool's quota, each installed adapter's hooks) and say how to fix what is wrong"
  ))
