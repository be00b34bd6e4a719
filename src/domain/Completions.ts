import { type CommandSpec, programName, ValueName } from "./CommandSpec.js"

// Shell completion scripts, generated from the same CommandSpecs as help: commands, each command's flags, the values
// of choices (--format), adapter ids, files, and bundle ids, which the scripts ask `handover completions --bundle-ids`
// for as the user types (cheap, silent on error).

export const shells = ["bash", "zsh", "fish"] as const
export type Shell = typeof shells[number]

/** What fits in the place of a value. */
type Completion =
  | { readonly _tag: "Words"; readonly words: ReadonlyArray<string> }
  | { readonly _tag: "Files" }
  | { readonly _tag: "Dirs" }
  | { readonly _tag: "BundleIds" }
  | { readonly _tag: "Nothing" }

export interface CompletionContext {
  readonly commands: ReadonlyArray<CommandSpec>
  /** Every adapter id, for ADAPTER and TOOL values. */
  readonly adapters: ReadonlyArray<string>
}

/** The flag of the completion command that prints bundle ids one per line. */
export const bundleIdsFlag = "--bundle-ids"

const completionOf = (
  value: { readonly name: string | null; readonly choices: ReadonlyArray<string> | null },
  context: CompletionContext
): Completion => {
  if (value.choices !== null) return { _tag: "Words", words: value.choices }
  switch (value.name) {
    case ValueName.adapter:
    case ValueName.tool:
      return { _tag: "Words", words: context.adapters }
    case ValueName.command:
      return { _tag: "Words", words: context.commands.map((command) => command.name) }
    case ValueName.file:
      return { _tag: "Files" }
    case ValueName.dir:
      return { _tag: "Dirs" }
    case ValueName.id:
      return { _tag: "BundleIds" }
    default:
      return { _tag: "Nothing" }
  }
}

/** The flags of a command that take a value, each with what completes it. */
const valueFlags = (command: CommandSpec, context: CompletionContext) =>
  command.flags.filter((flag) => flag.value !== null || flag.choices !== null).map((flag) => ({
    flag,
    completion: completionOf({ name: flag.value, choices: flag.choices }, context)
  }))

/** What completes the command's first positional argument; run's (after --) belongs to the shell. */
const positional = (command: CommandSpec, context: CompletionContext): Completion => {
  const arg = command.args[0]
  return command.trailing !== null || arg === undefined ? { _tag: "Nothing" } : completionOf(arg, context)
}

const bundleIdsCommand = `${programName} completions ${bundleIdsFlag} 2>/dev/null`

const bashReply = (completion: Completion): string => {
  switch (completion._tag) {
    case "Words":
      return `COMPREPLY=($(compgen -W "${completion.words.join(" ")}" -- "$cur"))`
    case "Files":
      return `COMPREPLY=($(compgen -f -- "$cur"))`
    case "Dirs":
      return `COMPREPLY=($(compgen -d -- "$cur"))`
    case "BundleIds":
      return `COMPREPLY=($(compgen -W "current $(${bundleIdsCommand})" -- "$cur"))`
    case "Nothing":
      return "COMPREPLY=()"
  }
}

const bash = (context: CompletionContext): string => {
  const { commands } = context
  const valueCases = commands.flatMap((command) =>
    valueFlags(command, context).map(({ completion, flag }) => `    "${command.name} ${flag.name}") ${bashReply(completion)}; return 0 ;;`)
  )
  return [
    `# bash completion for ${programName}; install with:`,
    `#   ${programName} completions bash > ~/.local/share/bash-completion/completions/${programName}`,
    `_${programName}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}" word`,
    `  if [ "$COMP_CWORD" -eq 1 ]; then`,
    `    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(" ")} --help --version" -- "$cur"))`,
    "    return 0",
    "  fi",
    "  # After --, the words are another command's (handover run -- CMD ARGS): the shell's default completion.",
    `  for word in "\${COMP_WORDS[@]:2:COMP_CWORD-2}"; do [ "$word" = "--" ] && return 1; done`,
    `  case "$cmd $prev" in`,
    ...valueCases,
    "  esac",
    `  if [[ "$cur" == -* ]]; then`,
    `    case "$cmd" in`,
    ...commands.map((command) =>
      `      ${command.name}) COMPREPLY=($(compgen -W "${[...command.flags.map((flag) => flag.name), "--help"].join(" ")}" -- "$cur")) ;;`
    ),
    "    esac",
    "    return 0",
    "  fi",
    `  case "$cmd" in`,
    ...commands.flatMap((command) => {
      const completion = positional(command, context)
      return completion._tag === "Nothing" ? [] : [`    ${command.name}) ${bashReply(completion)} ;;`]
    }),
    "  esac",
    "  return 0",
    "}",
    `complete -o default -F _${programName} ${programName}`
  ].join("\n")
}

/** Text inside a single-quoted shell word. */
const singleQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`

const zshAction = (completion: Completion): string => {
  switch (completion._tag) {
    case "Words":
      return `(${completion.words.join(" ")})`
    case "Files":
      return "_files"
    case "Dirs":
      return "_files -/"
    case "BundleIds":
      return `_${programName}_bundle_ids`
    case "Nothing":
      return " "
  }
}

/** One _arguments spec: `--title=[one line naming the task]:TEXT: `; `*` when repeatable. */
const zshFlag = (flag: CommandSpec["flags"][number], completion: Completion | undefined): string => {
  const description = flag.description.replace(/[\\[\]]/g, (char) => `\\${char}`)
  const head = `${flag.repeatable ? "*" : ""}${flag.name}${completion === undefined ? "" : "="}[${description}]`
  return singleQuoted(completion === undefined ? head : `${head}:${flag.value ?? "value"}:${zshAction(completion)}`)
}

const zsh = (context: CompletionContext): string => {
  const { commands } = context
  const describe = commands.map((command) => singleQuoted(`${command.name}:${command.summary.replace(/:/g, "\\:")}`))
  return [
    `#compdef ${programName}`,
    `# zsh completion for ${programName}; install as _${programName} in a directory of $fpath, e.g.:`,
    `#   ${programName} completions zsh > ~/.zfunc/_${programName}   (with fpath=(~/.zfunc $fpath) before compinit)`,
    "",
    `_${programName}_bundle_ids() {`,
    "  local -a ids",
    `  ids=(current \${(f)"$(${bundleIdsCommand})"})`,
    "  compadd -a ids",
    "}",
    "",
    `_${programName}() {`,
    "  local -a commands",
    `  commands=(${describe.join(" ")})`,
    "  if (( CURRENT == 2 )); then",
    `    _describe -t commands '${programName} command' commands`,
    "    return",
    "  fi",
    "  local cmd=$words[2]",
    "  shift words",
    "  (( CURRENT-- ))",
    "  case $cmd in",
    ...commands.map((command) => {
      const completions = new Map(valueFlags(command, context).map(({ completion, flag }) => [flag, completion]))
      const specs = [
        ...command.flags.map((flag) => zshFlag(flag, completions.get(flag))),
        singleQuoted("(- *)--help[show this help]"),
        ...(command.trailing !== null
          ? [singleQuoted("*:: :_normal")]
          : command.args.map((arg) =>
            singleQuoted(`${arg.repeatable ? "*" : ""}${arg.required ? ":" : "::"}${arg.name}:${zshAction(completionOf(arg, context))}`)
          ))
      ]
      return `    ${command.name}) _arguments -s ${specs.join(" ")} ;;`
    }),
    "  esac",
    "}",
    "",
    `_${programName} "$@"`
  ].join("\n")
}

const fishCondition = (command: CommandSpec) => `__fish_seen_subcommand_from ${command.name}`

const fishValue = (completion: Completion): string => {
  switch (completion._tag) {
    case "Words":
      return ` -x -a ${singleQuoted(completion.words.join(" "))}`
    case "Files":
      return " -r -F"
    case "Dirs":
      return ` -x -a ${singleQuoted("(__fish_complete_directories)")}`
    case "BundleIds":
      return ` -x -a ${singleQuoted(`current (${bundleIdsCommand})`)}`
    case "Nothing":
      return " -x"
  }
}

const fish = (context: CompletionContext): string => {
  const { commands } = context
  const lines = [
    `# fish completion for ${programName}; install with:`,
    `#   ${programName} completions fish > ~/.config/fish/completions/${programName}.fish`,
    `complete -c ${programName} -f`,
    ...commands.map((command) =>
      `complete -c ${programName} -n __fish_use_subcommand -a ${command.name} -d ${singleQuoted(command.summary)}`
    )
  ]
  for (const command of commands) {
    const completions = new Map(valueFlags(command, context).map(({ completion, flag }) => [flag, completion]))
    const condition = singleQuoted(fishCondition(command))
    for (const flag of command.flags) {
      const completion = completions.get(flag)
      lines.push(
        `complete -c ${programName} -n ${condition} -l ${flag.name.slice(2)}${
          completion === undefined ? "" : fishValue(completion)
        } -d ${singleQuoted(flag.description)}`
      )
    }
    const first = positional(command, context)
    if (first._tag !== "Nothing") lines.push(`complete -c ${programName} -n ${condition}${fishValue(first)}`)
  }
  return lines.join("\n")
}

export const completionScript = (shell: Shell, context: CompletionContext): string =>
  ({ bash, zsh, fish })[shell](context)
