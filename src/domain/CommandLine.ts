import {
  type CommandSpec,
  type FlagSpec,
  helpFlags,
  programName,
  programUsage,
  usageLine,
  valueText
} from "./CommandSpec.js"
import { nearest } from "./Suggest.js"
import { printableLine } from "./Text.js"

/** What to do with a command line, decided before @effect/cli parses it (it would print escape codes and no hint). */
export type CommandLineDecision =
  /** `handover`, `handover --help`, `handover help`: the commands and what each does. */
  | { readonly _tag: "Overview" }
  | { readonly _tag: "Version" }
  /** `handover help CMD`, `handover CMD --help`. */
  | { readonly _tag: "CommandHelp"; readonly command: CommandSpec }
  /**
   * Well-formed: @effect/cli parses `args` and the command runs. `args` are the command's arguments with each
   * `--flag=value` written as `--flag value` (@effect/cli takes the `=` form for single flags only).
   */
  | { readonly _tag: "Run"; readonly command: CommandSpec; readonly args: ReadonlyArray<string> }
  /** What is wrong, then the usage line to fix it with (never a whole help page); exit 2. */
  | { readonly _tag: "UsageError"; readonly lines: readonly [string, string] }

const usageError = (problem: string, usage: string): CommandLineDecision => ({
  _tag: "UsageError",
  lines: [`${programName}: ${printableLine(problem)}`, `usage: ${usage}`]
})

const didYouMean = (typed: string, known: ReadonlyArray<string>, otherwise: string): string => {
  const suggestion = nearest(typed, known)
  return suggestion === undefined ? `; ${otherwise}` : `; did you mean '${suggestion}'?`
}

const unknownCommand = (typed: string, commands: ReadonlyArray<CommandSpec>): CommandLineDecision =>
  usageError(
    `unknown command '${typed}'${didYouMean(typed, commands.map((command) => command.name), `see ${programName} help`)}`,
    programUsage
  )

/** A flag token's name and the value written with `=` after it, if any. */
const splitFlag = (arg: string): { readonly name: string; readonly inline: string | undefined } => {
  const equals = arg.indexOf("=")
  return equals < 0 ? { name: arg, inline: undefined } : { name: arg.slice(0, equals), inline: arg.slice(equals + 1) }
}

const isFlagToken = (arg: string) => arg.startsWith("-") && arg !== "-"

/**
 * Checks the arguments of one command against what it accepts, in order, so that the first mistake is the one named:
 * an unknown flag (with the nearest one of this command), a flag without its value (last on the line, written
 * `--flag=`, or followed straight by another flag of the command), a value outside a choice, a flag given twice
 * that takes one value, a missing required flag, one positional argument too many. `--help` anywhere asks for help
 * instead. Everything after `--` is positional.
 */
export const checkArguments = (command: CommandSpec, args: ReadonlyArray<string>): CommandLineDecision => {
  const usage = usageLine(command)
  const byName = new Map(command.flags.map((flag) => [flag.name, flag]))
  const isKnownFlag = (arg: string) => byName.has(splitFlag(arg).name)
  const seen = new Set<FlagSpec>()
  const positionals: Array<string> = []
  const separated: Array<string> = []
  let problem: CommandLineDecision | undefined
  let help = false
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    if (arg === "--") {
      positionals.push(...args.slice(index + 1))
      separated.push(...args.slice(index))
      break
    }
    if (!isFlagToken(arg)) {
      positionals.push(arg)
      separated.push(arg)
      continue
    }
    if (helpFlags.includes(arg)) {
      help = true
      continue
    }
    if (problem !== undefined) continue
    const { inline, name } = splitFlag(arg)
    const flag = byName.get(name)
    const said = `${command.name} ${name}`
    if (flag === undefined) {
      const known = [...command.flags.map((known) => known.name), "--help"]
      problem = usageError(
        `unknown flag '${name}' for ${command.name}${didYouMean(name, known, `see ${programName} ${command.name} --help`)}`,
        usage
      )
      continue
    }
    if (seen.has(flag) && !flag.repeatable) {
      const takesValue = flag.value !== null || flag.choices !== null
      problem = usageError(`${said} is given twice${takesValue ? "; it takes one value" : ""}`, usage)
    }
    seen.add(flag)
    if (flag.value === null && flag.choices === null) {
      if (inline !== undefined) problem ??= usageError(`${said} takes no value`, usage)
      separated.push(arg)
      continue
    }
    const next = args[index + 1]
    const value = inline ?? (next === undefined || isKnownFlag(next) ? undefined : next)
    if (inline === undefined && value !== undefined) index++ // its value, whatever it looks like
    separated.push(name, ...(value === undefined ? [] : [value]))
    if (value === undefined || inline === "") {
      problem ??= usageError(`${said} needs a value (${valueText(flag)})`, usage)
    } else if (flag.choices !== null && !flag.choices.includes(value)) {
      problem ??= usageError(`${said} takes ${flag.choices.join("|")}, not '${value}'`, usage)
    }
  }
  if (help) return { _tag: "CommandHelp", command }
  if (problem !== undefined) return problem
  const missing = command.flags.find((flag) => flag.required && !seen.has(flag))
  if (missing !== undefined) {
    return usageError(`${command.name} needs ${missing.name}${missing.value === null ? "" : ` ${valueText(missing)}`}`, usage)
  }
  const room = command.args.some((arg) => arg.repeatable) ? Infinity : command.args.length
  if (positionals.length > room) {
    const extra = positionals[room]!
    const what = isFlagToken(extra) ? `'${extra}' after --` : `'${extra}'`
    return usageError(`unexpected argument ${what} for ${command.name}`, usage)
  }
  const outside = command.args.findIndex((arg, index) =>
    arg.choices !== null && positionals[index] !== undefined && !arg.choices.includes(positionals[index]!)
  )
  if (outside >= 0) {
    return usageError(`${command.name} takes ${command.args[outside]!.choices!.join("|")}, not '${positionals[outside]}'`, usage)
  }
  const absent = command.args.slice(positionals.length).find((arg) => arg.required)
  if (absent !== undefined) return usageError(`${command.name} needs ${absent.name}`, usage)
  return { _tag: "Run", command, args: separated }
}

/** Decides on handover's own argv (after node and the script): help, the version, a usage error, or running. */
export const decideCommandLine = (
  argv: ReadonlyArray<string>,
  commands: ReadonlyArray<CommandSpec>
): CommandLineDecision => {
  const [name, ...args] = argv
  if (name === undefined || helpFlags.includes(name)) return { _tag: "Overview" }
  if (name === "--version") return { _tag: "Version" }
  if (isFlagToken(name)) {
    return usageError(`unknown flag '${name}'${didYouMean(name, ["--help", "--version"], `see ${programName} help`)}`, programUsage)
  }
  if (name === "help") {
    const [topic, ...extra] = args
    if (topic === undefined) return { _tag: "Overview" }
    const command = commands.find((command) => command.name === (helpFlags.includes(topic) ? "help" : topic))
    if (command === undefined) return unknownCommand(topic, commands)
    if (extra.length > 0) return usageError(`unexpected argument '${extra[0]}' for help`, `${programName} help [COMMAND]`)
    return { _tag: "CommandHelp", command }
  }
  const command = commands.find((command) => command.name === name)
  return command === undefined ? unknownCommand(name, commands) : checkArguments(command, args)
}

export interface SplitCommandLine {
  /** What handover parses: everything before the first `--`. */
  readonly own: ReadonlyArray<string>
  /** Everything after it, untouched (the command `run` starts); empty when there is no `--`. */
  readonly command: ReadonlyArray<string>
}

/** Splits at the first `--`, so that the command's own flags (`-- claude --model x -p hi`) never reach handover's parser. */
export const splitAtDoubleDash = (args: ReadonlyArray<string>): SplitCommandLine => {
  const index = args.indexOf("--")
  return index < 0 ? { own: args, command: [] } : { own: args.slice(0, index), command: args.slice(index + 1) }
}
