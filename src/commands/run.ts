import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { type FoundHandover, planRun, runTarget } from "../domain/RunPlan.js"
import { printableLine } from "../domain/Text.js"
import { Launcher } from "../services/Launcher.js"
import { Workspace } from "../services/Workspace.js"
import { freshnessNotes } from "../workflows/Freshness.js"
import { claimBundle, pendingBundle } from "../workflows/Pickup.js"
import { loadConfig, repoRoot, setOption, targetOption } from "./common.js"

/**
 * What Cli.ts hands `run` besides what @effect/cli parses: CMD ARGS…, everything after the first `--`, which no parser
 * sees, where the child's exit code goes (it becomes handover's), and run's usage line for its usage errors.
 */
export class RunInvocation extends Context.Tag("handover/RunInvocation")<RunInvocation, {
  readonly command: ReadonlyArray<string>
  readonly exitCode: Ref.Ref<number>
  readonly usage: string
}>() {}

const options = {
  claim: Options.boolean("claim").pipe(
    Options.withDescription("claim the pending handover and make it current first (of racing runs exactly one wins)")
  ),
  target: targetOption,
  prompt: Options.boolean("prompt").pipe(
    Options.withDescription("pass the resume prompt as CMD's initial prompt, for tools that take one")
  ),
  set: setOption,
  // Declared only to answer a command given without `--` with a clear usage error instead of @effect/cli's own.
  misplaced: Args.text({ name: "CMD" }).pipe(Args.repeated, Args.withDescription("the command to start and its own arguments, which handover never reads"))
}

/** What is wrong and the usage line, as for every usage error (exit 2). */
const usageError = (problem: string, usage: string) =>
  Console.error(`handover: ${problem}\nusage: ${usage}`).pipe(
    Effect.zipRight(Effect.fail(ValidationError.missingValue(HelpDoc.p(problem))))
  )

const withoutHandover = (program: string, why: string) =>
  Console.error(printableLine(`handover: ${why}; starting ${program} without a handover`)).pipe(
    Effect.as(Option.none<FoundHandover>())
  )

/** The handover this run resumes, if any; whatever goes wrong on handover's side only costs CMD its handover. */
const findHandover = (claim: boolean, assignments: ReadonlyArray<string>, target: string | undefined, program: string) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, assignments)
    const bundle = yield* (claim ? claimBundle(root, config, { target }) : pendingBundle(root, config, { target }))
    return Option.some<FoundHandover>({ root, bundle, claimed: claim, freshness: yield* freshnessNotes(root, bundle) })
  }).pipe(
    Effect.catchAll((error) => withoutHandover(program, error.message)),
    Effect.catchAllDefect((defect) => withoutHandover(program, `internal error: ${String(defect)}`))
  )

export const runCommand = Command.make("run", options, (args) =>
  Effect.gen(function*() {
    const invocation = yield* RunInvocation
    const [program, ...rest] = invocation.command
    if (args.misplaced.length > 0) {
      return yield* usageError("run takes the command after --, so that its flags stay its own", invocation.usage)
    }
    if (program === undefined) return yield* usageError("run needs a command to start", invocation.usage)
    const target = runTarget(program, Option.getOrUndefined(args.target))
    const handover = yield* findHandover(args.claim, args.set, target.id, program)
    const plan = planRun(
      { command: [program, ...rest], parentEnv: (yield* Workspace).env, target, prompt: args.prompt },
      Option.getOrNull(handover)
    )
    // What handover says about the handover (which bundle, claimed or not, the prompt, how fresh it is) goes out
    // here, in this one place, before the child takes the terminal.
    for (const note of plan.notes) yield* Console.error(note)
    const exit = yield* (yield* Launcher).launch(plan).pipe(
      Effect.catchTag("LaunchFailed", (error) =>
        Console.error(printableLine(`handover: ${error.message}`)).pipe(Effect.as({ code: error.exitCode })))
    )
    yield* Ref.set(invocation.exitCode, exit.code)
  })).pipe(
    Command.withDescription(
      "start CMD (no shell, stdio inherited) with the pending handover in its environment " +
        "(HANDOVER_BUNDLE, HANDOVER_SUMMARY, HANDOVER_PATCH); exits with CMD's code"
    )
  )
