import { describe, expect, it } from "@effect/vitest"
import { checkArguments, decideCommandLine, splitAtDoubleDash } from "../../src/domain/CommandLine.js"
import { type CommandSpec, type FlagSpec, usageLine } from "../../src/domain/CommandSpec.js"

const flag = (name: string, value: string | null, more: Partial<FlagSpec> = {}): FlagSpec => ({
  name,
  value,
  choices: null,
  required: false,
  repeatable: false,
  defaultValue: null,
  description: "",
  ...more
})

// `handover capture`, as its spec has it.
const capture: CommandSpec = {
  name: "capture",
  summary: "capture the task state",
  flags: [
    flag("--title", "TEXT", { required: true }),
    flag("--summary", "TEXT"),
    flag("--next-step", "TEXT", { repeatable: true }),
    flag("--json", null),
    flag("--format", null, { choices: ["plain", "claude"] }),
    flag("--set", "KEY=VALUE", { repeatable: true })
  ],
  args: [],
  trailing: null,
  example: "handover capture --title T"
}
const captureUsage = "usage: handover capture --title TEXT [--summary TEXT] [--next-step TEXT]... [--json] " +
  "[--format plain|claude] [--set KEY=VALUE]..."

const inspect: CommandSpec = {
  ...capture,
  name: "inspect",
  flags: [flag("--patch", null)],
  args: [{ name: "ID", choices: null, required: false, repeatable: false, description: "" }]
}

const problem = (command: CommandSpec, args: ReadonlyArray<string>) => {
  const decision = checkArguments(command, args)
  return decision._tag === "UsageError" ? decision.lines : decision._tag
}

describe("checkArguments", () => {
  it("the usage line shows required, optional and repeatable flags for what they are", () => {
    expect(usageLine(capture)).toBe(captureUsage.slice("usage: ".length))
    expect(usageLine(inspect)).toBe("handover inspect [--patch] [ID]")
  })

  it.each([
    { name: "the last flag on the line", args: ["--title"], flag: "--title" },
    { name: "a trailing flag after complete ones", args: ["--title", "T", "--summary"], flag: "--summary" },
    { name: "a repeatable flag at the end", args: ["--title", "T", "--next-step", "a", "--next-step"], flag: "--next-step" },
    { name: "a flag followed by another flag", args: ["--title", "--summary", "S"], flag: "--title" },
    { name: "a flag followed by a switch", args: ["--summary", "--json", "--title", "T"], flag: "--summary" },
    { name: "a flag followed by another flag written with =", args: ["--title", "--summary=S"], flag: "--title" },
    { name: "--flag= with nothing after the =", args: ["--title=", "--summary", "S"], flag: "--title" }
  ])("a flag without its value, $name → names $flag and prints the usage", ({ args, flag }) => {
    expect(problem(capture, args)).toEqual([`handover: capture ${flag} needs a value (TEXT)`, captureUsage])
  })

  it.each([
    { name: "every flag with its value", args: ["--title", "T", "--summary", "S", "--next-step", "a", "--json"] },
    { name: "values written with =", args: ["--title=T", "--set=bundles.keep=3"] },
    { name: "a value that looks like a flag of no command", args: ["--title", "--not-a-flag"] },
    { name: "a value that merely starts with a dash", args: ["--summary", "-1 point", "--title", "- T"] },
    { name: "a repeatable flag given twice", args: ["--title", "T", "--set", "a=1", "--set", "b=2"] },
    { name: "a choice among its values", args: ["--title", "T", "--format", "claude"] },
    { name: "an empty value given as its own word", args: ["--title", "", "--summary", ""] }
  ])("$name → runs", ({ args }) => {
    expect(problem(capture, args)).toBe("Run")
  })

  it("an unknown or misspelt flag is named, with the nearest flag of the command, never taken for an argument", () => {
    expect(problem(inspect, ["--pacth"])).toEqual([
      "handover: unknown flag '--pacth' for inspect; did you mean '--patch'?",
      "usage: handover inspect [--patch] [ID]"
    ])
    expect(problem(inspect, ["--frobnicate"])).toEqual([
      "handover: unknown flag '--frobnicate' for inspect; see handover inspect --help",
      "usage: handover inspect [--patch] [ID]"
    ])
    expect(problem(inspect, ["--", "--frobnicate"])).toBe("Run")
  })

  it("the first mistake on the line is the one named", () => {
    expect(problem(capture, ["--bogus", "--title"])[0]).toContain("unknown flag '--bogus'")
    expect(problem(capture, ["--title", "--bogus"])).toBe("Run") // "--bogus" is the title
  })

  it.each([
    { args: ["--title", "T", "--format", "codex"], message: "capture --format takes plain|claude, not 'codex'" },
    { args: ["--title", "T", "--title", "U"], message: "capture --title is given twice; it takes one value" },
    { args: ["--title", "T", "--json=yes"], message: "capture --json takes no value" },
    { args: ["--summary", "S"], message: "capture needs --title TEXT" }
  ])("$message", ({ args, message }) => {
    expect(problem(capture, args)).toEqual([`handover: ${message}`, captureUsage])
  })

  it("one positional argument too many is a usage error; after -- too", () => {
    expect(problem(inspect, ["a", "b"])[0]).toBe("handover: unexpected argument 'b' for inspect")
    expect(problem(inspect, ["a", "--", "-b"])[0]).toBe("handover: unexpected argument '-b' after -- for inspect")
  })

  it("a positional argument outside its choices is a usage error", () => {
    const completions: CommandSpec = {
      ...inspect,
      name: "completions",
      flags: [],
      args: [{ name: "SHELL", choices: ["bash", "zsh"], required: false, repeatable: false, description: "" }]
    }
    expect(problem(completions, ["tcsh"])).toEqual([
      "handover: completions takes bash|zsh, not 'tcsh'",
      "usage: handover completions [bash|zsh]"
    ])
    expect(problem(completions, ["zsh"])).toBe("Run")
  })

  it("--help or -h anywhere asks for the command's help, even after a mistake", () => {
    for (const args of [["--help"], ["-h"], ["--bogus", "--help"], ["--title", "T", "-h"]]) {
      expect(checkArguments(capture, args)).toEqual({ _tag: "CommandHelp", command: capture })
    }
    // A flag's value, whatever it looks like, as git commit -m --help takes it.
    expect(checkArguments(capture, ["--title", "--help"])._tag).toBe("Run")
  })

  it("hands @effect/cli every --flag=value as --flag value, the words after -- untouched", () => {
    expect(checkArguments(capture, ["--title=T", "--next-step=a=b", "--next-step", "c", "--format=claude", "--json"]))
      .toEqual({
        _tag: "Run",
        command: capture,
        args: ["--title", "T", "--next-step", "a=b", "--next-step", "c", "--format", "claude", "--json"]
      })
    expect(checkArguments(inspect, ["--patch", "--", "--x=y"])).toEqual({ _tag: "Run", command: inspect, args: ["--patch", "--", "--x=y"] })
  })

  it("typed text reaches the terminal escaped", () => {
    const [line] = problem(inspect, ["--a\u001b[2J"])
    expect(line).toBe("handover: unknown flag '--a\\x1b[2J' for inspect; see handover inspect --help")
  })
})

describe("decideCommandLine", () => {
  const commands = [capture, inspect]

  it.each([[[]], [["--help"]], [["-h"]], [["help"]]])("%j → the overview", (argv) => {
    expect(decideCommandLine(argv, commands)._tag).toBe("Overview")
  })

  it("help COMMAND is COMMAND --help", () => {
    expect(decideCommandLine(["help", "inspect"], commands)).toEqual(decideCommandLine(["inspect", "--help"], commands))
  })

  it("an unknown command names what was typed and the nearest command; the usage line is handover's", () => {
    expect(decideCommandLine(["captur"], commands)).toEqual({
      _tag: "UsageError",
      lines: ["handover: unknown command 'captur'; did you mean 'capture'?", "usage: handover <command> [flags]"]
    })
    expect(decideCommandLine(["help", "inspekt"], commands)).toEqual({
      _tag: "UsageError",
      lines: ["handover: unknown command 'inspekt'; did you mean 'inspect'?", "usage: handover <command> [flags]"]
    })
    expect(decideCommandLine(["zzz"], commands)).toEqual({
      _tag: "UsageError",
      lines: ["handover: unknown command 'zzz'; see handover help", "usage: handover <command> [flags]"]
    })
  })

  it("--version, and an unknown flag before any command", () => {
    expect(decideCommandLine(["--version"], commands)._tag).toBe("Version")
    expect(decideCommandLine(["--verison"], commands)).toEqual({
      _tag: "UsageError",
      lines: ["handover: unknown flag '--verison'; did you mean '--version'?", "usage: handover <command> [flags]"]
    })
  })
})

describe("splitAtDoubleDash", () => {
  it("keeps everything after the first -- from the parser, later -- included", () => {
    expect(splitAtDoubleDash(["--claim", "--", "claude", "--model", "x", "--", "-p"])).toEqual({
      own: ["--claim"],
      command: ["claude", "--model", "x", "--", "-p"]
    })
  })

  it("without --, nothing is the command", () => {
    expect(splitAtDoubleDash(["--claim", "claude"])).toEqual({ own: ["--claim", "claude"], command: [] })
    expect(splitAtDoubleDash(["--"])).toEqual({ own: [], command: [] })
  })
})
