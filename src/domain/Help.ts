import {
  allCommands,
  type CommandGroup,
  type CommandSpec,
  programName,
  programUsage,
  usageLine,
  valueText
} from "./CommandSpec.js"

// Help as plain text: no escape codes on any stream (colour rules belong to src/domain/Style.ts; help uses none).

/** A term longer than this gets its description on the next line, so that one long choice list does not push all. */
const widestTerm = 24

/** Two columns: the terms padded to the widest (up to widestTerm), each description beside its term or below it. */
const table = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
  const width = Math.max(0, ...rows.map(([term]) => term.length).filter((length) => length <= widestTerm))
  return rows.flatMap(([term, description]) =>
    term.length <= widestTerm
      ? [`  ${term.padEnd(width)}  ${description}`.trimEnd()]
      : [`  ${term}`, `  ${" ".repeat(width)}  ${description}`]
  )
}

const flagDescription = (description: string, notes: ReadonlyArray<string>): string =>
  [description, ...notes.map((note) => `(${note})`)].filter((part) => part !== "").join(" ")

/** `handover help CMD` and `handover CMD --help`: usage, what it does, its arguments and flags, one example. */
export const renderCommandHelp = (command: CommandSpec): string => {
  const args = command.trailing !== null
    ? [[command.trailing, command.args.map((arg) => arg.description).join(" ")] as const]
    : command.args.map((arg) =>
      [
        arg.choices !== null ? arg.choices.join("|") : arg.name,
        flagDescription(arg.description, arg.repeatable ? ["repeatable"] : [])
      ] as const
    )
  const flags = command.flags.map((flag) => {
    const value = valueText(flag)
    const notes = [
      ...(flag.required ? ["required"] : []),
      ...(flag.repeatable ? ["repeatable"] : []),
      ...(flag.defaultValue !== null ? [`default: ${flag.defaultValue}`] : [])
    ]
    return [value === null ? flag.name : `${flag.name} ${value}`, flagDescription(flag.description, notes)] as const
  })
  return [
    `usage: ${usageLine(command)}`,
    "",
    command.summary,
    ...(args.length > 0 ? ["", "arguments:", ...table(args)] : []),
    "",
    "flags:",
    ...table([...flags, ["-h, --help", "show this help"]]),
    "",
    "example:",
    `  ${command.example}`
  ].join("\n")
}

/** `handover`, `handover --help`, `handover help`: every command with its one line, in the groups given. */
export const renderOverview = (description: string, version: string, groups: ReadonlyArray<CommandGroup>): string => {
  const width = Math.max(...allCommands(groups).map((command) => command.name.length))
  return [
    `${programName} ${version}: ${description}`,
    "",
    `usage: ${programUsage}`,
    ...groups.flatMap((group) => [
      "",
      `${group.title}:`,
      ...group.commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`)
    ]),
    "",
    `Run '${programName} help <command>' or '${programName} <command> --help' for its flags and an example.`,
    `'${programName} --version' prints the version.`,
    "Exit codes: 0 done, 1 failed (one line on stderr says why), 2 usage error, 3 nothing pending."
  ].join("\n")
}
