import * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Usage from "@effect/cli/Usage"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { adaptersCommand } from "./commands/adapters.js"
import { captureCommand } from "./commands/capture.js"
import { disableCommand } from "./commands/disable.js"
import { doctorCommand } from "./commands/doctor.js"
import { enableCommand } from "./commands/enable.js"
import { initCommand } from "./commands/init.js"
import { installCommand } from "./commands/install.js"
import { inspectCommand } from "./commands/inspect.js"
import { onEventCommand } from "./commands/onEvent.js"
import { pendingCommand } from "./commands/pending.js"
import { pickupCommand } from "./commands/pickup.js"
import { printConfigCommand } from "./commands/printConfig.js"
import { renderCommand } from "./commands/render.js"
import { RunInvocation, runCommand } from "./commands/run.js"
import { sessionStartCommand } from "./commands/sessionStart.js"
import { statusCommand } from "./commands/status.js"
import { type FlagValues, findMissingFlagValue, splitAtDoubleDash } from "./domain/CommandLine.js"

declare const HANDOVER_VERSION: string

const handover = Command.make("handover").pipe(
  Command.withDescription(
    "Carries coding work across the usage limits of coding agents: captures the task state into .handover/ " +
      "and lets the next agent resume from it."
  ),
  // In the order DESIGN.md lists them: set-up, capture and the hooks, reading the store, then resuming.
  Command.withSubcommands([
    initCommand,
    enableCommand,
    installCommand,
    disableCommand,
    adaptersCommand,
    doctorCommand,
    captureCommand,
    onEventCommand,
    sessionStartCommand,
    inspectCommand,
    renderCommand,
    printConfigCommand,
    statusCommand,
    pendingCommand,
    pickupCommand,
    runCommand
  ])
)

const runCommandLine = Command.run(handover, {
  name: "handover",
  version: typeof HANDOVER_VERSION === "string" ? HANDOVER_VERSION : "0.0.0-dev"
})

/** The flags a command's usage names (not its positional arguments), with the values each takes. */
const flagValues = (usage: Usage.Usage): Array<readonly [string, string | null]> => {
  switch (usage._tag) {
    case "Named":
      return usage.names.filter((name) => name.startsWith("-")).map((name) => [name, Option.getOrNull(usage.acceptedValues)])
    case "Optional":
    case "Repeated":
      return flagValues(usage.usage)
    case "Concat":
    case "Alternation":
      return [...flagValues(usage.left), ...flagValues(usage.right)]
    default:
      return []
  }
}

/** The flags of the subcommand called `name`; none when there is no such subcommand. */
const flagsOf = (name: string | undefined): FlagValues | undefined => {
  const command = name === undefined ? Option.none() : HashMap.get(Command.getSubcommands(handover), name)
  return Option.isSome(command) ? new Map(flagValues(Descriptor.getUsage(command.value))) : undefined
}

/**
 * argv as process.argv has it: node, the script, then the subcommand and its arguments; succeeds with the exit code.
 * A flag without its value is caught before @effect/cli parses, which would take the next flag for the value or drop
 * a repeatable flag silently. `run` keeps everything after `--` from the parser: CMD's own flags are CMD's.
 */
export const run = (argv: ReadonlyArray<string>) => {
  const [, , name, ...rest] = argv
  const { own, command } = name === "run" ? splitAtDoubleDash(rest) : { own: rest, command: [] }
  const flags = flagsOf(name)
  const missing = flags === undefined ? undefined : findMissingFlagValue(own, flags)
  if (missing !== undefined) {
    // A usage error like @effect/cli's own (printed here, exit 2), but naming the flag that lacks its value.
    const line = `handover: ${name} ${missing.flag} needs a value (${missing.accepts}); see handover ${name} --help`
    return Console.error(line).pipe(Effect.zipRight(Effect.fail(ValidationError.missingValue(HelpDoc.p(line)))))
  }
  return Effect.gen(function*() {
    const exitCode = yield* Ref.make(0)
    yield* runCommandLine([...argv.slice(0, 3), ...own]).pipe(Effect.provideService(RunInvocation, { command, exitCode }))
    return yield* Ref.get(exitCode)
  })
}
