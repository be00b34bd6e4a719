import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import {
  configFromAssignments,
  configFromEnv,
  type ConfigSource,
  type HandoverConfig,
  parseConfigFile,
  resolveConfig
} from "../domain/Config.js"
import { hookStdinLimits } from "../domain/Bounds.js"
import { type HookPayload, parseHookPayload } from "../domain/HookEvent.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Display } from "../services/Display.js"
import { Git } from "../services/Git.js"
import { Stdio } from "../services/Stdio.js"
import { Store } from "../services/Store.js"
import { Workspace } from "../services/Workspace.js"
import { ValueName } from "../domain/CommandSpec.js"

export const jsonOption = Options.boolean("json").pipe(Options.withDescription("print one JSON document on stdout"))

export const setOption = Options.text("set").pipe(
  Options.withPseudoName(ValueName.keyValue),
  Options.repeated,
  Options.withDescription("override a config key for this run, e.g. --set trigger.thresholdPercent=80")
)

export const targetOption = Options.text("target").pipe(
  Options.withPseudoName(ValueName.tool),
  Options.optional,
  Options.withDescription("the tool that resumes the work (claude, codex, …)")
)

/** The git top level of the current directory: the store lives there. */
export const repoRoot = Effect.gen(function*() {
  const workspace = yield* Workspace
  const git = yield* Git
  return yield* git.topLevel(workspace.cwd)
})

export interface LoadedConfig {
  readonly config: HandoverConfig
  /** The sources that set something, in order of precedence (lowest first). */
  readonly sources: ReadonlyArray<string>
  /** The adapters a source (not the defaults) names, or null when only the defaults do. */
  readonly configuredAdapters: ReadonlyArray<string> | null
}

/** defaults ← .handover/config.json ← HANDOVER_* environment ← --set flags */
export const loadConfig = (root: string, assignments: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const store = yield* Store
    const workspace = yield* Workspace
    const sources: Array<ConfigSource> = []
    const fileText = yield* store.readConfigText(root)
    if (Option.isSome(fileText)) {
      const path = storeLayout(root).config
      sources.push({ name: path, values: yield* parseConfigFile(path, fileText.value) })
    }
    const fromEnv = configFromEnv(workspace.env)
    if (Object.keys(fromEnv).length > 0) sources.push({ name: "environment (HANDOVER_*)", values: fromEnv })
    const fromFlags = yield* configFromAssignments(assignments)
    if (Object.keys(fromFlags).length > 0) sources.push({ name: "--set", values: fromFlags })
    const config = yield* Either.match(resolveConfig(sources), { onLeft: Effect.fail, onRight: Effect.succeed })
    return {
      config,
      sources: ["defaults", ...sources.map((source) => source.name)],
      configuredAdapters: sources.some((source) => Object.hasOwn(source.values, "adapters")) ? config.adapters : null
    } satisfies LoadedConfig
  })

export const adapterOptions = {
  adapter: Options.text("adapter").pipe(
    Options.withPseudoName(ValueName.adapter),
    Options.repeated,
    Options.withDescription("an adapter id (repeat for several; handover adapters lists them)")
  ),
  all: Options.boolean("all").pipe(Options.withDescription("every adapter handover knows"))
}

export const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

/** Shows the progress `work` reports, for people (see Display.showProgress): never with --json, never in a hook. */
export const withProgress = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Display, (display) => display.showProgress(work))

/** The hook payload on stdin, read within bounds and parsed without ever failing. */
export const readHookPayload = Effect.map(
  Effect.flatMap(Stdio, (stdio) => stdio.read({ ...hookStdinLimits, fromTerminal: false })),
  // A payload over the bound is cut, so it no longer parses: it counts as malformed.
  (input) => parseHookPayload(input.text)
)

/** The git top level a hook is about: of the payload's cwd when it names one, else of where the hook runs. */
export const hookRoot = (payload: HookPayload) =>
  Effect.flatMap(Workspace, (workspace) =>
    repoRoot.pipe(Effect.provideService(Workspace, { ...workspace, cwd: payload.cwd ?? workspace.cwd })))
