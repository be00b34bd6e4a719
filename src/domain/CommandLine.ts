/** A command's flags by name, each with the values it takes ("text", "plain | claude | codex"), or null for a switch. */
export type FlagValues = ReadonlyMap<string, string | null>

export interface MissingFlagValue {
  readonly flag: string
  readonly accepts: string
}

/**
 * The first flag given without its value: last on the line, written `--flag=`, or followed straight by another flag of
 * the command. @effect/cli would otherwise take the next flag as the value, report it as an unknown argument, or drop
 * a repeatable flag silently. Arguments after `--` are not flags.
 */
export const findMissingFlagValue = (args: ReadonlyArray<string>, flags: FlagValues): MissingFlagValue | undefined => {
  const isFlag = (arg: string) => flags.has(arg.split("=", 1)[0]!)
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    if (arg === "--") return undefined
    const named = arg.endsWith("=") ? arg.slice(0, -1) : arg
    const accepts = flags.get(named)
    if (accepts === undefined || accepts === null) continue
    const next = args[index + 1]
    if (named !== arg || next === undefined || isFlag(next)) return { flag: named, accepts }
    index++ // its value, whatever it looks like
  }
  return undefined
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
