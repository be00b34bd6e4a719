import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { agentById } from "../domain/agents/registry.js"
import type { HandoverConfig } from "../domain/Config.js"
import { describeReading } from "../domain/Quota.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { printableLine } from "../domain/Text.js"
import type { TriggerMemory } from "../domain/Trigger.js"
import { Store } from "../services/Store.js"
import { readLifecycle } from "../workflows/Lifecycle.js"
import { readTriggerMemory } from "../workflows/OnEvent.js"
import { pendingBundle } from "../workflows/Pickup.js"
import { observeQuota } from "../workflows/Quota.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption } from "./common.js"

const options = {
  json: jsonOption,
  probe: Options.boolean("probe").pipe(Options.withDescription("also ask the openusage daemon for health and quota")),
  set: setOption
}

const describeMemory = (memory: TriggerMemory): string => {
  const tools = Object.entries(memory.tools)
  if (tools.length === 0) return "no automatic capture yet"
  return tools.map(([tool, state]) =>
    `${tool} ${state.armed ? "armed" : `disarmed until ${state.window?.resetsAt ?? "usage falls"}`}${
      state.lastCapture ? `, last capture ${state.lastCapture.bundleId}` : ""
    }`
  ).join("; ")
}

/** Daemon health and each configured tool's quota, as on-event would read them now. */
const probeDaemon = (config: HandoverConfig) =>
  // Guidance-only adapters have no quota to ask about.
  Effect.map(observeQuota(config, config.adapters.filter((id) => agentById(id)?.quota !== null)), ({ connection, health, observations }) => ({
    socketPath: connection.socketPath,
    health: health === null ? null : { daemonVersion: health.daemon_version ?? null, apiVersion: health.api_version },
    tools: observations.map(([tool, observation]) => ({
      tool,
      observation,
      description: observation._tag === "Unavailable" ? `${tool}: ${observation.reason}` : describeReading(observation.reading)
    }))
  }))

export const statusCommand = Command.make("status", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const layout = storeLayout(root)
    const { config, sources } = yield* loadConfig(root, args.set)
    const initialised = yield* store.isInitialised(root)
    const lifecycle = yield* readLifecycle(root, config)
    const corrupt = lifecycle.corrupt.map((entry) => entry.message)
    const current = Option.getOrNull(yield* store.currentId(root).pipe(Effect.orElseSucceed(() => Option.none<string>())))
    const pending = yield* pendingBundle(root, config, {}).pipe(
      Effect.map((bundle) => ({ id: bundle.id, title: bundle.title, reason: null as string | null })),
      Effect.catchTags({
        NothingPending: (none) => Effect.succeed({ id: null, title: null, reason: none.detail ?? null }),
        BundleCorrupt: (error) => Effect.succeed({ id: null, title: null, reason: error.message })
      })
    )
    const probe = args.probe ? yield* probeDaemon(config) : null
    const report = {
      root,
      store: layout.home,
      initialised,
      configSources: sources,
      current,
      pending,
      bundles: lifecycle.states.map(({ bundle, reason, state }) => ({
        id: bundle.id,
        title: bundle.title,
        createdAt: bundle.createdAt,
        claimedBy: bundle.claim?.by ?? null,
        state,
        reason
      })),
      corrupt,
      trigger: yield* readTriggerMemory(root),
      ...(probe === null ? {} : { probe })
    }
    if (args.json) return yield* printJson(report)
    // Titles, claimants and the daemon's words come from bundle.json files and the daemon: one escaped line each.
    yield* Console.log([
      `Repository: ${root}`,
      `Store: ${layout.home} (${initialised ? "initialised" : "not initialised: run handover init"})`,
      `Config: ${sources.join(" ← ")}`,
      `Current: ${current ?? "none"}`,
      `Pending: ${pending.id === null ? `none (${pending.reason})` : `${pending.id} — ${pending.title}`}`,
      `Bundles: ${lifecycle.states.length}`,
      ...lifecycle.states.slice(0, 10).flatMap(({ bundle, reason, state }) => [
        `  ${bundle.id}  ${state.padEnd(10)}  ${bundle.title}`,
        `      ${reason}`
      ]),
      ...corrupt.map((message) => `  corrupt: ${message}`),
      `Trigger memory: ${describeMemory(report.trigger)}`,
      ...(probe === null ? [] : [
        `Daemon: ${probe.socketPath} — ${
          probe.health === null ? "unavailable" : `ok (daemon ${probe.health.daemonVersion ?? "?"}, api ${probe.health.apiVersion || "(none)"})`
        }`,
        ...probe.tools.map((tool) => `  ${tool.description}`)
      ])
    ].map(printableLine).join("\n"))
  })).pipe(Command.withDescription("show the store, the config sources, and each bundle's state (pending, claimed, superseded, expired) and why"))
