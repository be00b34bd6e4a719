import type { HookSurface } from "./agents/Agent.js"
import { shellQuote } from "./agents/hooks.js"
import { envVarFor } from "./Config.js"
import { startDaemonHint } from "./ConnectFailure.js"
import type { ConfigInvalid, OpenUsageError, StoreIoError, StoreUnsafe } from "./errors.js"
import { describeReading, type QuotaReading } from "./Quota.js"
import { plainStyle, type Style } from "./Style.js"
import { printableLine } from "./Text.js"

// `handover doctor`: each check of the set-up decided from facts the workflow gathered (src/workflows/Doctor.ts), and
// rendered for people or as JSON. A failed check always names the command (or the step) that fixes it.

/** One check, as `doctor --json` prints it. */
export interface Check {
  /** Stable: node, git, repository, store, config, daemon, quota:<tool>, hooks:<adapter>, trust:<adapter>, compile-cache. */
  readonly name: string
  readonly ok: boolean
  /** What was found, one line. */
  readonly detail: string
  /** The command (or step) that fixes it; null when ok. */
  readonly fix: string | null
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail, fix: null })
const fail = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix })

/** What is at a path. */
export type PathFacts =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Link"; readonly target: string }
  | {
    readonly _tag: "Present"
    readonly type: "File" | "Directory" | "Other"
    /** Permission bits (mode & 0o7777). */
    readonly mode: number
    /** This user may write there (access W_OK). */
    readonly writable: boolean
  }

/** How a program run for its version ended: its first line of output, or why not. */
export type ProgramAnswer =
  | { readonly _tag: "Answered"; readonly firstLine: string }
  | { readonly _tag: "Failed"; readonly reason: string }

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`

// ---------------------------------------------------------------------------------------------------------------
// Node, git, the repository

/** The oldest Node.js major version handover runs on: package.json's engines.node (a test keeps the two equal). */
export const minimumNodeMajor = 20

export const nodeCheck = (version: string): Check => {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? Number.NaN)
  return major >= minimumNodeMajor
    ? pass("node", `Node.js ${version} (handover needs ${minimumNodeMajor} or later)`)
    : fail("node", `Node.js ${version}, older than the ${minimumNodeMajor} handover needs`, `install Node.js ${minimumNodeMajor} or later (https://nodejs.org)`)
}

export const gitCheck = (answer: ProgramAnswer): Check =>
  answer._tag === "Answered"
    ? pass("git", answer.firstLine)
    : fail("git", `git does not run: ${answer.reason}`, "install git and put it on PATH (https://git-scm.com)")

export const repositoryCheck = (found: { readonly root: string } | { readonly cwd: string; readonly reason: string }): Check =>
  "root" in found
    ? pass("repository", `inside the git repository ${found.root}`)
    : fail("repository", found.reason, "cd into a git working tree (git init creates one); the checks of the store, config and hooks need one")

// ---------------------------------------------------------------------------------------------------------------
// The store

/** The store as found, nothing followed: its directory, whether config.json exists, and its private entries. */
export interface StoreFacts {
  readonly home: PathFacts & { readonly path: string }
  readonly configExists: boolean
  /** bundles/, state/ and rendered/, each with what it holds (one level down, and into each bundle directory). */
  readonly privateDirs: ReadonlyArray<{
    readonly path: string
    readonly facts: PathFacts
    readonly inside: ReadonlyArray<{ readonly path: string; readonly facts: PathFacts }>
  }>
}

/** A privacy problem of the store: what is wrong and the command that fixes it. */
interface StoreProblem {
  readonly what: string
  readonly fix: string
}

const storeFix = (problems: ReadonlyArray<StoreProblem>): string => [...new Set(problems.map((problem) => problem.fix))].join(" && ")

const summarise = (items: ReadonlyArray<string>, most = 3): string =>
  items.length <= most ? items.join("; ") : `${items.slice(0, most).join("; ")}; and ${items.length - most} more`

const privacyProblems = (dirs: StoreFacts["privateDirs"]): ReadonlyArray<StoreProblem> =>
  dirs.flatMap(({ facts, inside, path }): ReadonlyArray<StoreProblem> => {
    if (facts._tag === "Missing") return []
    if (facts._tag === "Link") {
      return [{ what: `${path} is a symbolic link (to ${facts.target}), which handover refuses`, fix: `rm ${shellQuote(path)}` }]
    }
    if (facts.type !== "Directory") return [{ what: `${path} is not a directory`, fix: `rm ${shellQuote(path)}` }]
    const own = (facts.mode & 0o077) !== 0
      ? [{ what: `${path} is ${octal(facts.mode)}, not private (0700)`, fix: `chmod 700 ${shellQuote(path)}` }]
      : []
    const links = inside.flatMap((entry) =>
      entry.facts._tag === "Link"
        ? [{ what: `${entry.path} is a symbolic link (to ${entry.facts.target})`, fix: `rm ${shellQuote(entry.path)}` }]
        : []
    )
    const open = inside.flatMap((entry) =>
      entry.facts._tag === "Present" && (entry.facts.mode & 0o077) !== 0 ? [`${entry.path} is ${octal(entry.facts.mode)}`] : []
    )
    // One recursive chmod covers the directory and everything below it (it changes no link and follows none below).
    const opened = open.length === 0 ? own : [{
      what: `${summarise(open, 2)}: readable by others (bundles can hold secrets; directories 0700, files 0600)`,
      fix: `chmod -R go-rwx ${shellQuote(path)}`
    }, ...own.map((problem) => ({ ...problem, fix: `chmod -R go-rwx ${shellQuote(path)}` }))]
    return [...opened, ...links]
  })

export const storeCheck = (facts: StoreFacts): Check => {
  const home = facts.home.path
  if (facts.home._tag === "Link") {
    return fail("store", `${home} is a symbolic link (to ${facts.home.target}), which handover refuses`, `rm ${shellQuote(home)} && handover init`)
  }
  if (facts.home._tag === "Present" && facts.home.type !== "Directory") {
    return fail("store", `${home} is not a directory`, `rm ${shellQuote(home)} && handover init`)
  }
  if (facts.home._tag === "Missing" || !facts.configExists) {
    return fail("store", `not initialised: ${home}/config.json does not exist`, "handover init")
  }
  const problems = privacyProblems(facts.privateDirs)
  if (problems.length > 0) return fail("store", summarise(problems.map((problem) => problem.what)), storeFix(problems))
  return pass("store", `initialised at ${home}; bundles, state and rendered are private (0700, files 0600)`)
}

// ---------------------------------------------------------------------------------------------------------------
// The config

export type ConfigLoad =
  | { readonly _tag: "Valid"; readonly sources: ReadonlyArray<string> }
  | { readonly _tag: "Invalid"; readonly error: ConfigInvalid | StoreUnsafe | StoreIoError }

const configFix = (error: ConfigInvalid | StoreUnsafe | StoreIoError): string => {
  switch (error._tag) {
    case "ConfigInvalid":
      return error.source === "environment (HANDOVER_*)"
        ? `fix or unset ${error.field === "" ? "the HANDOVER_* variable" : envVarFor(error.field)}`
        : `edit ${shellQuote(error.source)} (handover print-config --defaults prints every key with its default)`
    case "StoreUnsafe":
      return `rm ${shellQuote(error.path)} && handover init`
    case "StoreIoError":
      return `check the permissions of ${shellQuote(error.path)}`
  }
}

export const configCheck = (load: ConfigLoad): Check =>
  load._tag === "Valid"
    ? pass("config", `valid (${load.sources.join(" ← ")})`)
    : fail(
      "config",
      load.error._tag === "ConfigInvalid"
        ? `invalid: ${load.error.source}${load.error.field ? `: ${load.error.field}` : ""}: ${load.error.reason}`
        : load.error.message,
      configFix(load.error)
    )

// ---------------------------------------------------------------------------------------------------------------
// openusage


export interface DaemonFacts {
  readonly socketPath: string
  /** The tools whose quota handover asks openusage for; none means the daemon is not needed. */
  readonly tools: ReadonlyArray<string>
  readonly answer:
    | { readonly _tag: "Healthy"; readonly daemonVersion: string | null; readonly apiVersion: string }
    | { readonly _tag: "Failed"; readonly error: OpenUsageError }
}

export const daemonCheck = (facts: DaemonFacts): Check => {
  if (facts.answer._tag === "Healthy") {
    return pass(
      "daemon",
      `openusage answers at ${facts.socketPath} (daemon ${facts.answer.daemonVersion ?? "of unknown version"}, api ${facts.answer.apiVersion || "v1"})`
    )
  }
  const error = facts.answer.error
  switch (error._tag) {
    case "DaemonUnavailable":
      return fail("daemon", `no openusage daemon answers at ${facts.socketPath} (${error.reason}): no automatic captures for ${facts.tools.join(", ")}`, startDaemonHint)
    case "DaemonTimeout":
      return fail("daemon", `openusage at ${facts.socketPath} did not answer within ${error.timeoutMs} ms`, "openusage telemetry daemon status --details, then restart it (openusage telemetry daemon install), or raise openusage.timeoutMs")
    case "DaemonProtocolError":
      return fail("daemon", `${facts.socketPath} answered, but not as openusage does (${error.reason})`, "point openusage.socketPath at openusage's socket, and update openusage (openusage telemetry daemon install)")
  }
}

/** The daemon is not needed when no configured adapter has a quota in openusage. */
export const daemonNotNeeded = (adapters: ReadonlyArray<string>): Check =>
  pass("daemon", `not needed: none of the configured adapters (${adapters.join(", ") || "none"}) has a quota in openusage`)

export const quotaCheck = (reading: QuotaReading): Check =>
  reading._tag === "Known"
    ? pass(`quota:${reading.tool}`, describeReading(reading))
    : fail(
      `quota:${reading.tool}`,
      describeReading(reading),
      `openusage telemetry daemon status --details (openusage must report ${reading.provider ?? "the tool"}: sign in to ${reading.tool} where openusage reads it)`
    )

// ---------------------------------------------------------------------------------------------------------------
// The installed adapters' hooks

/** One way a hook may start handover, tried in order as the hook itself tries them. */
export interface LaunchCandidate {
  /** The program and the arguments before handover's own; `["handover"]` with onPath looks handover up on PATH. */
  readonly argv: ReadonlyArray<string>
  readonly onPath: boolean
  /** Files that must exist for the hook to take this way, and programs that must be executable. */
  readonly files: ReadonlyArray<string>
  readonly executables: ReadonlyArray<string>
}

const onPath: LaunchCandidate = { argv: ["handover"], onPath: true, files: [], executables: [] }

/** A shell word as shellQuote writes it: bare, or single-quoted with `'\''` for a quote. */
const word = String.raw`([A-Za-z0-9_./,:@%+=-]+|'(?:[^']|'\\'')*')`
const unquote = (quoted: string): string => quoted.startsWith("'") ? quoted.slice(1, -1).replace(/'\\''/g, "'") : quoted

const lookUp = String.raw`h=\$\(command -v handover\) && \[ -x "\$h" \] \|\| exit 0; exec "\$h" `
const recordedCommand = new RegExp(
  String.raw`^h=${word}; (?:n=${word}; \[ -f "\$h" \] && \[ -x "\$n" \] && exec "\$n" "\$h" [^;]*; )?\[ -x "\$h" \] \|\| ${lookUp}(.*)$`
)
const pathOnlyCommand = new RegExp(`^${lookUp}(.*)$`)

/** A hook command install wrote: the ways it tries to start handover, and handover's arguments. */
export interface ParsedHookCommand {
  readonly candidates: ReadonlyArray<LaunchCandidate>
  readonly args: string
}

/** What a hook command that install wrote would run, and with which arguments; undefined for any other command. */
export const parseHookCommand = (command: string): ParsedHookCommand | undefined => {
  const recorded = recordedCommand.exec(command)
  if (recorded !== null) {
    const handover = unquote(recorded[1]!)
    const node = recorded[2] === undefined ? undefined : unquote(recorded[2])
    return {
      candidates: [
        ...(node === undefined ? [] : [{ argv: [node, handover], onPath: false, files: [handover], executables: [node] }]),
        { argv: [handover], onPath: false, files: [], executables: [handover] },
        onPath
      ],
      args: recorded[3]!
    }
  }
  const pathOnly = pathOnlyCommand.exec(command)
  return pathOnly === null ? undefined : { candidates: [onPath], args: pathOnly[1]! }
}

/** Whether hook arguments are handover's for this tool: `session-start --format <id>` or `on-event --tool <id>`. */
const isToolsHook = (args: string, toolId: string): boolean =>
  args === `session-start --format ${toolId}` || args.startsWith(`on-event --tool ${toolId}`)

const asRecord = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
const asArray = (value: unknown): ReadonlyArray<unknown> => Array.isArray(value) ? value : []

/**
 * The hook commands of handover's for this tool in its parsed hook config, by native event: settings files hold
 * groups `{hooks: [handler]}`, handover's own files handlers directly (see HookConfigLayout).
 */
export const handoverHookCommands = (
  document: unknown,
  hooks: HookSurface,
  toolId: string
): ReadonlyMap<string, ReadonlyArray<ParsedHookCommand>> => {
  const byEvent = asRecord(asRecord(document)?.["hooks"]) ?? {}
  return new Map(hooks.events.map(({ native }) => {
    const entries = Object.hasOwn(byEvent, native) ? asArray(byEvent[native]) : []
    const handlers = hooks.layout === "settingsGroups" ? entries.flatMap((group) => asArray(asRecord(group)?.["hooks"])) : entries
    const commands = handlers.flatMap((handler) => {
      const command = asRecord(handler)?.[hooks.handlerKeys.command]
      const parsed = typeof command === "string" ? parseHookCommand(command) : undefined
      return parsed !== undefined && isToolsHook(parsed.args, toolId) ? [parsed] : []
    })
    return [native, commands] as const
  }))
}

/** The ways the plugin install wrote (src/domain/agents/plugin.ts) starts handover; undefined when it is not that plugin. */
export const pluginCandidates = (source: string): ReadonlyArray<LaunchCandidate> | undefined => {
  const line = /^const candidates = (.*)$/m.exec(source)?.[1]
  if (line === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return undefined
  }
  const candidates = asArray(parsed).flatMap((entry): ReadonlyArray<LaunchCandidate> => {
    const record = asRecord(entry)
    const program = record?.["program"]
    const args = asArray(record?.["args"]).filter((arg): arg is string => typeof arg === "string")
    const needs = asArray(record?.["needs"]).filter((need): need is string => typeof need === "string")
    if (typeof program !== "string") return []
    return needs.length === 0 && program === "handover"
      ? [onPath]
      : [{ argv: [program, ...args], onPath: false, files: needs, executables: [program] }]
  })
  return candidates.length === 0 ? undefined : candidates
}

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1)

/**
 * Whether argv is `[handover]` or `[node, handover]` by their file names (handover's bin, or its dist/handover.js): a
 * hook file may have come with the repository, and doctor runs nothing else it names.
 */
export const namesNodeAndHandover = (argv: ReadonlyArray<string>): boolean => {
  const script = argv.at(-1) ?? ""
  const interpreters = argv.slice(0, -1)
  return /^handover(\.[cm]?js)?$/.test(baseName(script)) && interpreters.every((path) => /^node(js)?[0-9.]*$/.test(baseName(path)))
}

/** What the workflow found of an installed adapter's hooks. */
export type HookState =
  | { readonly _tag: "Unreadable"; readonly file: string; readonly reason: string }
  | { readonly _tag: "MissingEvents"; readonly file: string; readonly events: ReadonlyArray<string> }
  /** No way the hook tries finds a handover: it then exits 0 and does nothing. */
  | { readonly _tag: "NoHandover"; readonly file: string; readonly tried: ReadonlyArray<string> }
  | { readonly _tag: "Broken"; readonly file: string; readonly runs: string; readonly reason: string }
  | {
    readonly _tag: "Works"
    readonly file: string
    readonly runs: string
    /** handover's answer to --version, or why doctor did not run it. */
    readonly answer: string
  }

export const hooksCheck = (adapter: string, state: HookState): Check => {
  const name = `hooks:${adapter}`
  const reinstall = `handover install --adapter ${adapter}`
  // A hook pointing at a handover that is gone is replaced, not added beside: disable takes the old entries out.
  const replace = `handover disable --adapter ${adapter} && handover install --adapter ${adapter}`
  switch (state._tag) {
    case "Unreadable":
      return fail(name, `cannot read ${state.file}: ${state.reason}`, reinstall)
    case "MissingEvents":
      return fail(name, `${state.file} has no handover hook for ${state.events.join(", ")}`, reinstall)
    case "NoHandover":
      return fail(name, `${state.file} finds no handover to run (${state.tried.join("; ")}), so its hooks do nothing`, replace)
    case "Broken":
      return fail(name, `${state.file} runs ${state.runs}, which fails: ${state.reason}`, replace)
    case "Works":
      return pass(
        name,
        `${state.file} runs ${state.runs} (${state.answer})`
      )
  }
}

/** How the tool stands on trusting this repository, when its user config says (see ProjectTrust). */
export const trustCheck = (
  adapter: string,
  found: {
    readonly configFile: string
    /** What the config says; a string when it could not be read (why), undefined when it says nothing of the project. */
    readonly trust: "trusted" | "untrusted" | undefined | { readonly unreadable: string }
    readonly howToTrust: string
  }
): Check =>
  found.trust === "trusted"
    ? pass(`trust:${adapter}`, `${found.configFile} trusts this project`)
    : fail(
      `trust:${adapter}`,
      found.trust === "untrusted"
        ? `${found.configFile} marks this project untrusted: ${adapter} does not load its hooks`
        : found.trust === undefined
        ? `${found.configFile} does not trust this project yet: ${adapter} does not load its hooks`
        : `cannot read ${found.configFile} (${found.trust.unreadable}), so whether ${adapter} loads its hooks is unknown`,
      found.howToTrust
    )

// ---------------------------------------------------------------------------------------------------------------
// The compile cache

export interface CompileCacheFacts {
  readonly dir: string
  readonly facts: PathFacts
  /** When dir is missing: the nearest directory above it that exists, which would hold it. */
  readonly parent: { readonly path: string; readonly facts: PathFacts } | null
}

export const compileCacheCheck = ({ dir, facts, parent }: CompileCacheFacts): Check => {
  const name = "compile-cache"
  const elsewhere = "or set XDG_CACHE_HOME to a writable directory"
  if (facts._tag === "Present") {
    if (facts.type !== "Directory") return fail(name, `${dir} is not a directory: handover starts slower`, `move ${shellQuote(dir)} away, ${elsewhere}`)
    return facts.writable
      ? pass(name, `${dir} is writable`)
      : fail(name, `${dir} is not writable: handover starts slower`, `chmod u+rwx ${shellQuote(dir)}, ${elsewhere}`)
  }
  if (parent !== null && parent.facts._tag === "Present" && parent.facts.type === "Directory" && parent.facts.writable) {
    return pass(name, `${dir} does not exist yet; ${parent.path} is writable, so the next run creates it`)
  }
  return fail(name, `${dir} cannot be created${parent === null ? "" : ` (${parent.path} is not a writable directory)`}: handover starts slower`, `mkdir -p -m 700 ${shellQuote(dir)}, ${elsewhere}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Output

/** The exit code: 0 when every check passed, 1 otherwise. */
export const doctorExitCode = (checks: ReadonlyArray<Check>): 0 | 1 => (checks.every((check) => check.ok) ? 0 : 1)

/** `doctor --json`: the fields exactly, no escaping. */
export const doctorReport = (checks: ReadonlyArray<Check>) => ({ ok: doctorExitCode(checks) === 0, checks })

/**
 * One line per check, and under each failed one the command that fixes it. On a terminal ✓ and ✗; elsewhere plain
 * ASCII (`ok`, `FAIL`) that any pipe, log or grep takes. The marks are coloured where `style` is (shouldStyle). Every detail and fix is escaped: they quote paths, files
 * and the daemon.
 */
export const renderChecks = (checks: ReadonlyArray<Check>, tty: boolean, style: Style = plainStyle): string => {
  const [passed, failed, fixLabel] = tty
    ? [style.green("✓"), style.red("✗"), "  → "]
    : [style.green("ok  "), style.red("FAIL"), "      fix: "]
  const lines = checks.flatMap((check) => [
    `${check.ok ? passed : failed} ${check.name}: ${printableLine(check.detail)}`,
    ...(check.fix === null ? [] : [`${fixLabel}${printableLine(check.fix)}`])
  ])
  const problems = checks.filter((check) => !check.ok).length
  const summary = problems === 0
    ? `All ${checks.length} checks passed.`
    : `${problems} of ${checks.length} checks failed; run the fix under each, then handover doctor again.`
  return [...lines, summary].join("\n")
}
