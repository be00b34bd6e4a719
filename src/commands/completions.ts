import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { allAgents } from "../domain/agents/registry.js"
import { type CommandSpec, usageLine } from "../domain/CommandSpec.js"
import { bundleIdsFlag, completionScript, shells } from "../domain/Completions.js"
import { readLifecycle } from "../workflows/Lifecycle.js"
import { loadConfig, repoRoot } from "./common.js"

/** Every command as help shows it, handed over by Cli.ts (which reads it from the commands, this one included). */
export class CommandCatalog extends Context.Tag("handover/CommandCatalog")<CommandCatalog, ReadonlyArray<CommandSpec>>() {}

const options = {
  bundleIds: Options.boolean(bundleIdsFlag.slice(2)).pipe(
    Options.withDescription("print the bundle ids of this repository, newest first, one per line (the scripts use it)")
  ),
  shell: Args.choice(shells.map((shell) => [shell, shell] as const), { name: "SHELL" }).pipe(
    Args.optional,
    Args.withDescription("the shell to print the script for")
  )
}

/** The ids of the bundles here, for completion while typing: anything going wrong prints nothing. */
const printBundleIds = Effect.gen(function*() {
  const root = yield* repoRoot
  // The readable bundles as status sees them, newest first: a corrupt or future-dated one is not offered.
  const { states } = yield* readLifecycle(root, (yield* loadConfig(root)).config)
  if (states.length > 0) yield* Console.log(states.map(({ bundle }) => bundle.id).join("\n"))
}).pipe(Effect.catchAll(() => Effect.void), Effect.catchAllDefect(() => Effect.void))

export const completionsCommand = Command.make("completions", options, (args) =>
  Effect.gen(function*() {
    if (args.bundleIds) return yield* printBundleIds
    const commands = yield* CommandCatalog
    if (Option.isNone(args.shell)) {
      const problem = "completions needs a shell: bash, zsh or fish"
      const usage = commands.find((command) => command.name === "completions")
      yield* Console.error(`handover: ${problem}\nusage: ${usage === undefined ? "" : usageLine(usage)}`)
      return yield* Effect.fail(ValidationError.missingValue(HelpDoc.p(problem)))
    }
    yield* Console.log(
      completionScript(args.shell.value, { commands, adapters: allAgents.map((agent) => agent.id) })
    )
  })).pipe(Command.withDescription("print the completion script for bash, zsh or fish (see the README to install it)"))
