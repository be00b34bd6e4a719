// What a user can type to handover, as plain data read from the @effect/cli command values (src/CommandSpecs.ts):
// help, usage errors and the shell completion scripts are all rendered from it, so they cannot drift apart.

/** Names a value by what it is; completions offer what fits each (adapter ids for ADAPTER, files for FILE…). */
export const ValueName = {
  adapter: "ADAPTER",
  command: "COMMAND",
  dir: "DIR",
  file: "FILE",
  id: "ID",
  keyValue: "KEY=VALUE",
  text: "TEXT",
  tool: "TOOL"
} as const

export interface FlagSpec {
  /** "--title" */
  readonly name: string
  /** The value's name ("TEXT", "KEY=VALUE"), or null for a switch that takes none. */
  readonly value: string | null
  /** The only values accepted, when the flag is a choice. */
  readonly choices: ReadonlyArray<string> | null
  readonly required: boolean
  readonly repeatable: boolean
  /** Shown in help when the flag is optional and not a switch. */
  readonly defaultValue: string | null
  readonly description: string
}

export interface ArgSpec {
  /** "ID" */
  readonly name: string
  readonly choices: ReadonlyArray<string> | null
  readonly required: boolean
  readonly repeatable: boolean
  readonly description: string
}

export interface CommandSpec {
  readonly name: string
  /** One line: what the command does. */
  readonly summary: string
  readonly flags: ReadonlyArray<FlagSpec>
  readonly args: ReadonlyArray<ArgSpec>
  /** Replaces the positional arguments in the usage line (run's "-- CMD [ARG]..."), when they are not parsed here. */
  readonly trailing: string | null
  /** One command line a user could run as it is. */
  readonly example: string
}

export interface CommandGroup {
  readonly title: string
  readonly commands: ReadonlyArray<CommandSpec>
}

export const programName = "handover"

/** The flags every command takes besides its own. */
export const helpFlags: ReadonlyArray<string> = ["--help", "-h"]

/** `plain|claude|codex`, `TEXT`, or nothing for a switch. */
export const valueText = (flag: Pick<FlagSpec, "value" | "choices">): string | null =>
  flag.choices !== null ? flag.choices.join("|") : flag.value

const flagUsage = (flag: FlagSpec): string => {
  const value = valueText(flag)
  const word = value === null ? flag.name : `${flag.name} ${value}`
  return `${flag.required ? word : `[${word}]`}${flag.repeatable ? "..." : ""}`
}

const argUsage = (arg: ArgSpec): string => {
  const name = arg.choices !== null ? arg.choices.join("|") : arg.name
  return `${arg.required ? name : `[${name}]`}${arg.repeatable ? "..." : ""}`
}

/** `handover pickup [--target TOOL] [--apply] [--set KEY=VALUE]... [ID]`: optional in brackets, repeatable with "...". */
export const usageLine = (command: CommandSpec): string =>
  [
    programName,
    command.name,
    ...command.flags.map(flagUsage),
    ...(command.trailing !== null ? [command.trailing] : command.args.map(argUsage))
  ].join(" ")

/** The usage line of handover itself. */
export const programUsage = `${programName} <command> [flags]`

export const allCommands = (groups: ReadonlyArray<CommandGroup>): ReadonlyArray<CommandSpec> =>
  groups.flatMap((group) => group.commands)
