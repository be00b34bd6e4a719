import * as Command from "@effect/cli/Command"
import { describe, expect, it } from "@effect/vitest"
import * as HashMap from "effect/HashMap"
import { commandGroups, handover } from "../src/Cli.js"
import { decideCommandLine } from "../src/domain/CommandLine.js"
import { allCommands, usageLine } from "../src/domain/CommandSpec.js"

const commands = allCommands(commandGroups)
const byName = (name: string) => commands.find((command) => command.name === name)!

/** An example's words as a shell splits them (double quotes), up to a redirection. */
const words = (line: string): Array<string> => {
  const found = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!)
  const redirect = found.indexOf(">")
  return redirect < 0 ? found : found.slice(0, redirect)
}

describe("the command specs help, usage errors and completions are made of", () => {
  it("list every command @effect/cli parses, and help, each once", () => {
    const parsed = [...HashMap.keys(Command.getSubcommands(handover))].sort()
    expect(commands.map((command) => command.name).filter((name) => name !== "help").sort()).toEqual(parsed)
    expect(new Set(commands.map((command) => command.name)).size).toBe(commands.length)
  })

  it("read flags and arguments from the command values: values named, optional and repeatable told apart", () => {
    expect(usageLine(byName("pickup"))).toBe(
      "handover pickup [--target TOOL] [--apply] [--3way] [--index] [--set KEY=VALUE]... [ID]"
    )
    expect(usageLine(byName("session-start"))).toBe(
      "handover session-start [--format plain|claude|codex|gemini|qwen|copilot|cursor] [--target TOOL] [--verbose]"
    )
    const title = byName("capture").flags.find((flag) => flag.name === "--title")
    expect(title).toEqual({
      name: "--title",
      value: "TEXT",
      choices: null,
      required: true,
      repeatable: false,
      defaultValue: null,
      description: "one line naming the task"
    })
    expect(byName("session-start").flags[0]!.defaultValue).toBe("plain")
    expect(usageLine(byName("run"))).toBe(
      "handover run [--claim] [--target TOOL] [--prompt] [--set KEY=VALUE]... -- CMD [ARG]..."
    )
  })

  it("describe every command, flag and argument in their own words, without the parser's filler", () => {
    for (const command of commands) {
      for (const text of [command.summary, ...command.flags.map((f) => f.description), ...command.args.map((a) => a.description)]) {
        expect(text, command.name).not.toBe("")
        expect(text).not.toMatch(/user-defined|true or false|This setting|may be repeated/)
      }
    }
  })

  it.each(commands.map((command) => [command.name, command.example] as const))(
    "%s: its example is a command line that runs as it is",
    (name, example) => {
      const [program, ...argv] = words(example)
      expect(program).toBe("handover")
      expect(argv[0]).toBe(name)
      const decision = decideCommandLine(name === "run" ? argv.slice(0, argv.indexOf("--")) : argv, commands)
      expect(decision._tag).toBe(name === "help" ? "CommandHelp" : "Run")
    }
  )
})
