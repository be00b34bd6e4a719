import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Agent } from "../domain/agents/Agent.js"
import { shellQuote } from "../domain/agents/hooks.js"
import { agentById } from "../domain/agents/registry.js"
import type { HandoverConfig } from "../domain/Config.js"
import type { ConfigInvalid, StoreIoError, StoreUnsafe } from "../domain/errors.js"
import {
  type Check,
  compileCacheCheck,
  configCheck,
  daemonCheck,
  daemonNotNeeded,
  gitCheck,
  handoverHookCommands,
  type HookState,
  hooksCheck,
  type LaunchCandidate,
  namesNodeAndHandover,
  nodeCheck,
  pluginCandidates,
  quotaCheck,
  repositoryCheck,
  storeCheck,
  type StoreFacts,
  trustCheck
} from "../domain/Doctor.js"
import { compileCacheDir } from "../domain/CompileCache.js"
import type { Installed } from "../domain/Install.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { HostProbe } from "../services/HostProbe.js"
import { Surfaces } from "../services/Surfaces.js"
import { Workspace } from "../services/Workspace.js"
import { observeQuota } from "./Quota.js"

// The facts behind each check of `handover doctor`, gathered through the services; the checks themselves are decided
// in src/domain/Doctor.ts. Nothing here writes anything: store entries are looked at without following links, files
// are read within bounds, and the only programs run are git and the handover a hook would run, asked --version.

/** How long `--version` may take, for git and for each handover a hook runs. */
const versionTimeoutMs = 5_000
/** At most this many entries of each store directory, and of each bundle directory (a bundle holds four files), are looked at. */
const maxStoreEntries = 500
const maxBundleEntries = 20
/** Hook configs, plugins and ~/.codex/config.toml are small; bigger ones are not read. */
const maxConfigBytes = 1024 * 1024

/** The JSON(C) parser is loaded only when doctor reads a hook config (it is not needed on the hooks' hot path). */
const jsonc = Effect.promise(() => import("jsonc-parser"))

const storeFacts = (root: string) =>
  Effect.gen(function*() {
    const probe = yield* HostProbe
    const layout = storeLayout(root)
    const home = yield* probe.lstat(layout.home)
    const configExists = (yield* probe.lstat(layout.config))._tag !== "Missing"
    const entriesOf = (dir: string, max = maxStoreEntries) =>
      Effect.flatMap(probe.list(dir, max), (names) =>
        Effect.forEach(names, (name) => Effect.map(probe.lstat(`${dir}/${name}`), (facts) => ({ path: `${dir}/${name}`, facts }))))
    const privateDirs = home._tag === "Present" && home.type === "Directory"
      ? yield* Effect.forEach([layout.bundles, layout.state, layout.rendered], (path) =>
        Effect.gen(function*() {
          const facts = yield* probe.lstat(path)
          const inside = yield* entriesOf(path)
          // Each bundle is a directory: its files are looked at too.
          const nested = path === layout.bundles
            ? yield* Effect.forEach(
              inside.filter((entry) => entry.facts._tag === "Present" && entry.facts.type === "Directory"),
              (entry) => entriesOf(entry.path, maxBundleEntries)
            )
            : []
          return { path, facts, inside: [...inside, ...nested.flat()] }
        }))
      : []
    return { home: { ...home, path: layout.home }, configExists, privateDirs } satisfies StoreFacts
  })

/** Whether a path, its links resolved, lies inside the repository. */
const insideRepository = (root: string, path: string) =>
  Effect.map(Effect.flatMap(HostProbe, (probe) => probe.realPath(path)), (real) =>
    // What cannot be resolved counts as inside: doctor runs only what it can place.
    Option.match(real, { onNone: () => true, onSome: (resolved) => resolved === root || resolved.startsWith(`${root}/`) }))

/** At most this many distinct ways to start handover are run per hook file. */
const maxLaunchesRun = 8

/**
 * Follows the ways a hook tries to start handover, in its order: the first that the hook would take is run with
 * --version, unless the hook file is committed (it may have come with a clone: `committed`) or the program lies inside
 * the repository. A repository never chooses what doctor runs.
 */
const resolveLaunch = (root: string, file: string, committed: boolean, candidates: ReadonlyArray<LaunchCandidate>) =>
  Effect.gen(function*() {
    const probe = yield* HostProbe
    const tried: Array<string> = []
    for (const candidate of candidates) {
      let argv = candidate.argv
      if (candidate.onPath) {
        const found = yield* probe.which("handover")
        if (Option.isNone(found)) {
          tried.push("no handover on PATH")
          continue
        }
        argv = [found.value]
      } else {
        const missing: Array<string> = []
        for (const path of candidate.files) {
          const facts = yield* probe.stat(path)
          if (facts._tag !== "Present" || facts.type !== "File") missing.push(`${path} is missing`)
        }
        for (const path of candidate.executables) {
          const facts = yield* probe.stat(path)
          if (facts._tag !== "Present" || facts.type !== "File") missing.push(`${path} is missing`)
          else if ((facts.mode & 0o111) === 0) missing.push(`${path} is not executable`)
        }
        if (missing.length > 0) {
          tried.push(...missing.filter((line) => !tried.includes(line)))
          continue
        }
      }
      const runs = argv.map(shellQuote).join(" ")
      // The file may have come with the repository: doctor runs only what is named like node and handover, outside it.
      if (!namesNodeAndHandover(argv)) {
        return { _tag: "Broken", file, runs, reason: "that is not node and handover, so doctor does not run it" } satisfies HookState
      }
      if (committed) return { _tag: "Works", file, runs, answer: "the file is committed: not run" } satisfies HookState
      const inside = yield* Effect.forEach(argv, (path) => insideRepository(root, path))
      if (inside.some(Boolean)) return { _tag: "Works", file, runs, answer: "inside the repository: not run" } satisfies HookState
      const answer = yield* probe.firstLineOf([...argv, "--version"], versionTimeoutMs)
      return answer._tag === "Answered"
        ? { _tag: "Works", file, runs, answer: `handover ${answer.firstLine}` } satisfies HookState
        : { _tag: "Broken", file, runs, reason: answer.reason } satisfies HookState
    }
    return { _tag: "NoHandover", file, tried } satisfies HookState
  })

/** Runs every distinct way the file's hooks start handover; the first that fails is the finding, else the first. */
const resolveAll = (root: string, file: string, launches: ReadonlyArray<ReadonlyArray<LaunchCandidate>>) =>
  Effect.gen(function*() {
    // A file git tracks may have come with the repository, and so may one reached through a linked directory: either
    // counts as committed, as does one that git or realpath cannot answer for.
    const tracked = yield* Effect.flatMap(Git, (git) => git.trackedFiles(root, file)).pipe(
      Effect.map((files) => files.includes(file)),
      Effect.orElseSucceed(() => true)
    )
    const real = yield* Effect.flatMap(HostProbe, (probe) => probe.realPath(`${root}/${file}`))
    const committed = tracked || Option.getOrNull(real) !== `${root}/${file}`
    const distinct = [...new Map(launches.map((candidates) => [JSON.stringify(candidates), candidates])).values()]
      .slice(0, maxLaunchesRun)
    const states = yield* Effect.forEach(distinct, (candidates) => resolveLaunch(root, file, committed, candidates))
    return states.find((state) => state._tag !== "Works") ?? states[0]!
  })

/** The hook config (or plugin) install wrote for the adapter, relative to the top level. */
const hookFileOf = (agent: Agent, installed: Installed): string | undefined => {
  const recorded = installed.adapters.find((adapter) => adapter.id === agent.id)?.changes.map((change) => change.path) ?? []
  const candidates = agent.hooks !== null
    ? [agent.hooks.configPath(false), agent.hooks.configPath(true)]
    : agent.surfaces({ handoverPath: null, shared: false }).map((surface) => surface.path)
  return candidates.find((path) => recorded.includes(path)) ?? candidates[0]
}

const hookState = (root: string, agent: Agent, file: string) =>
  Effect.gen(function*() {
    const probe = yield* HostProbe
    const text = yield* probe.readFile(`${root}/${file}`, maxConfigBytes).pipe(Effect.either)
    if (text._tag === "Left") return { _tag: "Unreadable", file, reason: text.left } satisfies HookState
    if (Option.isNone(text.right)) return { _tag: "Unreadable", file, reason: "it does not exist" } satisfies HookState
    if (agent.hooks === null) {
      const candidates = pluginCandidates(text.right.value)
      return candidates === undefined
        ? { _tag: "Unreadable", file, reason: "it is not the plugin handover writes" } satisfies HookState
        : yield* resolveAll(root, file, [candidates])
    }
    const { parse } = yield* jsonc
    const errors: Array<unknown> = []
    const document: unknown = parse(text.right.value, errors as never, { allowTrailingComma: true })
    if (errors.length > 0) return { _tag: "Unreadable", file, reason: "it is not valid JSON" } satisfies HookState
    const byEvent = handoverHookCommands(document, agent.hooks, agent.id)
    const missing = [...byEvent].filter(([, commands]) => commands.length === 0).map(([event]) => event)
    if (missing.length > 0) return { _tag: "MissingEvents", file, events: missing } satisfies HookState
    return yield* resolveAll(root, file, [...byEvent.values()].flat().map((command) => command.candidates))
  })

/** The hooks of each installed adapter that has hooks or a plugin, and the project trust of those whose tool asks for it. */
const adapterChecks = (root: string) =>
  Effect.gen(function*() {
    const probe = yield* HostProbe
    const workspace = yield* Workspace
    const installed = yield* (yield* Surfaces).installed(root).pipe(Effect.either)
    if (installed._tag === "Left") {
      return [{ name: "adapters", ok: false, detail: installed.left.message, fix: "see the detail, then handover install" }] satisfies Array<Check>
    }
    if (Option.isNone(installed.right) || installed.right.value.adapters.length === 0) {
      return [{ name: "adapters", ok: false, detail: "no adapter is installed: no agent runs handover's hooks here", fix: "handover enable" }] satisfies Array<Check>
    }
    const manifest = installed.right.value
    const checks: Array<Check> = []
    for (const { id } of manifest.adapters) {
      const agent = agentById(id)
      if (agent === undefined || (agent.hooks === null && agent.plugin !== true)) continue
      const file = hookFileOf(agent, manifest)
      if (file !== undefined) checks.push(hooksCheck(id, yield* hookState(root, agent, file)))
      if (agent.projectTrust !== undefined) {
        const configFile = agent.projectTrust.configFile(workspace.home, workspace.env)
        // The user's own file: a link to it (dotfiles often are) is followed.
        const real = Option.getOrElse(yield* probe.realPath(configFile), () => configFile)
        const text = yield* probe.readFile(real, maxConfigBytes).pipe(Effect.either)
        checks.push(trustCheck(id, {
          configFile,
          trust: text._tag === "Left"
            ? { unreadable: text.left }
            : Option.match(text.right, { onNone: () => undefined, onSome: (toml) => agent.projectTrust!.trustOf(toml, root) }),
          howToTrust: agent.projectTrust.howToTrust(root)
        }))
      }
    }
    return checks
  })

const daemonChecks = (config: HandoverConfig) =>
  Effect.gen(function*() {
    const tools = config.adapters.filter((id) => (agentById(id)?.quota ?? null) !== null)
    if (tools.length === 0) return [daemonNotNeeded(config.adapters)]
    const { answer, connection, observations } = yield* observeQuota(config, tools)
    if (answer._tag === "Left") {
      return [daemonCheck({ socketPath: connection.socketPath, tools, answer: { _tag: "Failed", error: answer.left } })]
    }
    const { health } = answer.right
    return [
      daemonCheck({
        socketPath: connection.socketPath,
        tools,
        answer: { _tag: "Healthy", daemonVersion: health.daemon_version ?? null, apiVersion: health.api_version }
      }),
      ...observations.flatMap(([, observation]) => observation._tag === "Reading" ? [quotaCheck(observation.reading)] : [])
    ]
  })

const compileCacheFacts = Effect.gen(function*() {
  const probe = yield* HostProbe
  const workspace = yield* Workspace
  const dir = compileCacheDir(workspace.env.XDG_CACHE_HOME, workspace.home)
  const facts = yield* probe.stat(dir)
  let parent: { path: string; facts: typeof facts } | null = null
  for (let at = dir.slice(0, dir.lastIndexOf("/")); facts._tag === "Missing" && at !== ""; at = at.slice(0, at.lastIndexOf("/"))) {
    const found = yield* probe.stat(at)
    if (found._tag !== "Missing") {
      parent = { path: at, facts: found }
      break
    }
  }
  return compileCacheCheck({ dir, facts, parent })
})

/** How the CLI loads a repository's config (its sources and validation), which doctor checks. */
export type ConfigLoader<R> = (root: string) => Effect.Effect<
  { readonly config: HandoverConfig; readonly sources: ReadonlyArray<string> },
  ConfigInvalid | StoreUnsafe | StoreIoError,
  R
>

/** Every check, in the order doctor prints them. Outside a repository only the machine-wide ones. */
export const runDoctor = <R>(loadConfig: ConfigLoader<R>) => Effect.gen(function*() {
  const probe = yield* HostProbe
  const workspace = yield* Workspace
  const checks: Array<Check> = [
    nodeCheck(probe.nodeVersion),
    gitCheck(yield* probe.firstLineOf(["git", "--version"], versionTimeoutMs))
  ]
  const root = yield* (yield* Git).topLevel(workspace.cwd).pipe(Effect.either)
  if (root._tag === "Left") {
    checks.push(repositoryCheck({ cwd: workspace.cwd, reason: root.left.message }))
  } else {
    checks.push(repositoryCheck({ root: root.right }))
    checks.push(storeCheck(yield* storeFacts(root.right)))
    const loaded = yield* loadConfig(root.right).pipe(Effect.either)
    checks.push(configCheck(loaded._tag === "Right" ? { _tag: "Valid", sources: loaded.right.sources } : { _tag: "Invalid", error: loaded.left }))
    if (loaded._tag === "Right") checks.push(...yield* daemonChecks(loaded.right.config))
    checks.push(...yield* adapterChecks(root.right))
  }
  checks.push(yield* compileCacheFacts)
  return checks
})
