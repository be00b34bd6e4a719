import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { agentById } from "../domain/agents/registry.js"
import type { HandoverConfig } from "../domain/Config.js"
import { describeReading, readQuotaWindows } from "../domain/Quota.js"
import { type MeterTool, probeLines } from "../domain/QuotaMeter.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { paintState } from "../domain/Style.js"
import { printableLine } from "../domain/Text.js"
import type { TriggerMemory } from "../domain/Trigger.js"
import { Display } from "../services/Display.js"
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

/** The state words line up: padded to the longest, "superseded" (padded by hand, around the colour codes). */
const stateColumn = "superseded".length

const describeMemory = (memory: TriggerMemory): string => {
  const tools = Object.entries(memory.tools)
  if (tools.length === 0) return "no automatic capture yet"
  return tools.map(([tool, state]) =>
    `${tool} ${state.armed ? "armed" : `disarmed until ${state.window?.resetsAt ?? "usage falls"}`}${
      state.lastCapture ? `, last capture ${state.lastCapture.bundleId}` : ""
    }`
  ).join("; ")
}

/**
 * Daemon health and each configured tool's quota, as on-event would read them now (`report`, what --json prints), and
 * every window of each tool's quota, for the meter.
 */
const probeDaemon = (config: HandoverConfig) =>
  // Guidance-only adapters have no quota to ask about.
  Effect.map(observeQuota(config, config.adapters.filter((id) => agentById(id)?.quota !== null)), (observed) => {
    const tools = observed.observations.map(([tool, observation]) => ({
      report: {
        tool,
        observation,
        description: observation._tag === "Unavailable" ? `${tool}: ${observation.reason}` : describeReading(observation.reading)
      },
      meter: {
        tool,
        windows: observed.answer._tag === "Left" ? [] : readQuotaWindows({
          tool,
          model: observed.answer.right.model,
          nowMillis: observed.nowMillis,
          maxStalenessMinutes: config.openusage.maxStalenessMinutes
        }),
        limited: observation._tag === "Reading" && observation.reading._tag === "Known" && observation.reading.limited
      } satisfies MeterTool
    }))
    return {
      report: {
        socketPath: observed.connection.socketPath,
        health: observed.answer._tag === "Left"
          ? null
          : { daemonVersion: observed.answer.right.health.daemon_version ?? null, apiVersion: observed.answer.right.health.api_version },
        tools: tools.map((entry) => entry.report)
      },
      tools,
      nowMillis: observed.nowMillis
    }
  })

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
    const { stdout } = yield* Display
    const { style } = stdout
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
      ...(probe === null ? {} : { probe: probe.report })
    }
    if (args.json) return yield* printJson(report)
    // Paths, titles, claimants and the daemon's words come from the file system, bundle.json files and the daemon:
    // each is escaped to one line before our styles wrap it.
    yield* Console.log([
      `Repository: ${printableLine(root)}`,
      `Store: ${printableLine(layout.home)} (${initialised ? "initialised" : style.yellow("not initialised: run handover init")})`,
      `Config: ${printableLine(sources.join(" ← "))}`,
      `Current: ${printableLine(current ?? "none")}`,
      `Pending: ${
        pending.id === null ? (pending.reason === null ? "none" : `none (${printableLine(pending.reason)})`) : `${paintState(style, "pending", printableLine(pending.id))} — ${printableLine(pending.title ?? "")}`
      }`,
      `Bundles: ${lifecycle.states.length}`,
      ...lifecycle.states.slice(0, 10).flatMap(({ bundle, reason, state }) => [
        `  ${printableLine(bundle.id)}  ${paintState(style, state)}${" ".repeat(Math.max(0, stateColumn - state.length))}  ${printableLine(bundle.title)}`,
        `      ${style.dim(printableLine(reason))}`
      ]),
      ...corrupt.map((message) => `  ${style.red("corrupt:")} ${printableLine(message)}`),
      `Trigger memory: ${printableLine(describeMemory(report.trigger))}`,
      ...(probe === null ? [] : probeLines(
        { ...probe.report, tools: probe.tools.map(({ meter, report }) => ({ description: report.description, meter })), nowMillis: probe.nowMillis },
        config.trigger.thresholdPercent,
        stdout
      ))
    ].join("\n"))
  })).pipe(Command.withDescription("show the store, the config sources, and each bundle's state (pending, claimed, superseded, expired) and why"))
