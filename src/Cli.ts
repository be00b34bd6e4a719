import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { type CommandEntry, commandSpec } from "./CommandSpecs.js"
import { adaptersCommand } from "./commands/adapters.js"
import { captureCommand } from "./commands/capture.js"
import { CommandCatalog, completionsCommand } from "./commands/completions.js"
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
import { decideCommandLine, splitAtDoubleDash } from "./domain/CommandLine.js"
import { allCommands, type CommandGroup, type CommandSpec, usageLine, ValueName } from "./domain/CommandSpec.js"
import { renderCommandHelp, renderOverview } from "./domain/Help.js"

declare const HANDOVER_VERSION: string
const version = typeof HANDOVER_VERSION === "string" ? HANDOVER_VERSION : "0.0.0-dev"

const description = "carries coding work across the usage limits of coding agents: captures the task state into " +
  ".handover/ and lets the next agent resume from it."

/** `help` is answered before any parsing (src/domain/CommandLine.ts), so it is described here rather than parsed. */
const helpSpec: CommandSpec = {
  name: "help",
  summary: "show the commands, or one command's usage, flags and an example (like handover COMMAND --help)",
  flags: [],
  args: [{ name: ValueName.command, choices: null, required: false, repeatable: false, description: "a command" }],
  trailing: null,
  example: "handover help capture"
}

/** The commands in the order help lists them: setting up, handing over, looking at the store, the hooks, help. */
const groups: ReadonlyArray<{ readonly title: string; readonly entries: ReadonlyArray<CommandEntry | CommandSpec> }> = [
  {
    title: "Set up",
    entries: [
      { command: enableCommand, example: "handover enable --adapter claude --adapter codex" },
      { command: initCommand, example: "handover init" },
      { command: installCommand, example: "handover install --adapter claude --shared" },
      { command: disableCommand, example: "handover disable --purge" },
      { command: adaptersCommand, example: "handover adapters --json" },
      { command: doctorCommand, example: "handover doctor" }
    ]
  },
  {
    title: "Hand over and resume",
    entries: [
      { command: captureCommand, example: "handover capture --title \"Fix the login redirect\" --next-step \"Run the auth tests\"" },
      { command: pendingCommand, example: "handover pending --target codex" },
      { command: pickupCommand, example: "handover pickup --apply" },
      { command: runCommand, example: "handover run --claim --prompt -- claude", trailing: "-- CMD [ARG]..." }
    ]
  },
  {
    title: "Look at the store",
    entries: [
      { command: statusCommand, example: "handover status --probe" },
      { command: inspectCommand, example: "handover inspect current --patch" },
      { command: renderCommand, example: "handover render --adapter codex" },
      { command: printConfigCommand, example: "handover print-config --set trigger.thresholdPercent=80" }
    ]
  },
  {
    title: "Hooks (the agents run these)",
    entries: [
      { command: onEventCommand, example: "handover on-event --tool claude --event Stop" },
      { command: sessionStartCommand, example: "handover session-start --format claude" }
    ]
  },
  {
    title: "Help",
    entries: [
      helpSpec,
      { command: completionsCommand, example: "handover completions bash > ~/.local/share/bash-completion/completions/handover" }
    ]
  }
]

/** What @effect/cli parses: the commands of `groups` but help (test/Cli.test.ts checks that they match). */
export const handover = Command.make("handover").pipe(
  Command.withDescription(description),
  Command.withSubcommands([
    enableCommand,
    initCommand,
    installCommand,
    disableCommand,
    adaptersCommand,
    doctorCommand,
    captureCommand,
    pendingCommand,
    pickupCommand,
    runCommand,
    statusCommand,
    inspectCommand,
    renderCommand,
    printConfigCommand,
    onEventCommand,
    sessionStartCommand,
    completionsCommand
  ])
)

/** Every command as help, usage errors and completions show it. */
export const commandGroups: ReadonlyArray<CommandGroup> = groups.map((group) => ({
  title: group.title,
  commands: group.entries.map((entry) => "command" in entry ? commandSpec(entry) : entry)
}))

const commands = allCommands(commandGroups)

const runCommandLine = Command.run(handover, { name: "handover", version })

/**
 * argv as process.argv has it: node, the script, then the subcommand and its arguments; succeeds with the exit code.
 * Help, --version and usage errors are answered here from the commands' specs, before @effect/cli parses (it would
 * print escape codes, name no suggestion, and take an unknown flag for an argument). `run` keeps everything after
 * `--` from both: CMD's own flags are CMD's.
 */
export const run = (argv: ReadonlyArray<string>) => {
  const [, , name, ...rest] = argv
  const { own, command } = name === "run" ? splitAtDoubleDash(rest) : { own: rest, command: [] }
  const decision = decideCommandLine(name === undefined ? [] : [name, ...own], commands)
  switch (decision._tag) {
    case "Overview":
      return Console.log(renderOverview(description, version, commandGroups)).pipe(Effect.as(0))
    case "Version":
      return Console.log(version).pipe(Effect.as(0))
    case "CommandHelp":
      return Console.log(renderCommandHelp(decision.command)).pipe(Effect.as(0))
    case "UsageError":
      return Console.error(decision.lines.join("\n")).pipe(
        Effect.zipRight(Effect.fail(ValidationError.invalidArgument(HelpDoc.p(decision.lines[0]))))
      )
    case "Run":
      return Effect.gen(function*() {
        const exitCode = yield* Ref.make(0)
        yield* runCommandLine([...argv.slice(0, 3), ...decision.args]).pipe(
          Effect.provideService(RunInvocation, { command, exitCode, usage: usageLine(decision.command) }),
          Effect.provideService(CommandCatalog, commands)
        )
        return yield* Ref.get(exitCode)
      })
  }
}
