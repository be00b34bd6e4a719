import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import type { Stats } from "node:fs"
import { allAgents } from "../../src/domain/agents/registry.js"
import { Claim } from "../../src/domain/Bundle.js"
import { parseConfigFile, resolveConfig } from "../../src/domain/Config.js"
import { describeConnectError } from "../../src/domain/ConnectFailure.js"
import { DaemonUnavailable } from "../../src/domain/errors.js"
import { canonicalPayload, parseHookPayload, resolveHookContext } from "../../src/domain/HookEvent.js"
import { compatibleApiVersions, DaemonHealth, ReadModel } from "../../src/domain/OpenUsage.js"
import { providerForTool, readQuota } from "../../src/domain/Quota.js"
import { SessionStartFormat } from "../../src/domain/ResumeContext.js"
import {
  armedTool,
  decideTrigger,
  decodeTriggerMemory,
  emptyMemory,
  eventMayTrigger,
  type QuotaObservation
} from "../../src/domain/Trigger.js"
import {
  gateClaimed,
  gateConfig,
  type GateDaemonAnswer,
  gateDaemonSkip,
  gateEventLine,
  gateEventSkip,
  gateHealthOk,
  gateHookCall,
  gateQuotaSources,
  gateSessionStartFormats
} from "../../src/gate/policy.js"

// The hook gate is a conservative pre-filter: whenever it settles on-event on its own, the full policy (the domain
// functions that src/commands/onEvent.ts and src/workflows/OnEvent.ts compose) must skip too, change no trigger memory,
// and log the very same line. test/e2e/gate.test.ts compares a few cases through the built CLI as well.

const now = Date.parse("2026-11-25T17:00:00.000Z")
const at = now + 1234

interface Hook {
  readonly flagTool: string
  readonly flagEvent: string | undefined
  readonly stdinText: string
  readonly configText: string
  readonly health: unknown
  readonly readModel: unknown
  readonly memoryText: string | undefined
  /** Why connecting to the daemon failed, when it did: no answer then, only the error (and what stat found there). */
  readonly unreachable: { readonly code: string; readonly found: "nothing" | "socket" | "file" } | undefined
}

const socketPath = "/run/user/1000/openusage/telemetry.sock"
/** DaemonUnavailable's message for an unreachable daemon, as OpenUsageLive words it. */
const unavailableMessage = ({ code, found }: NonNullable<Hook["unreachable"]>) =>
  new DaemonUnavailable({
    socketPath,
    reason: describeConnectError(
      Object.assign(new Error(`connect ${code} ${socketPath}`), { code }),
      found === "nothing" ? undefined : ({ isSocket: () => found === "socket", isFile: () => found === "file" } as Stats)
    )
  }).message

/** What the full CLI does: the line it logs and whether it captures or writes the trigger memory; null: logs nothing. */
const fullPolicy = (hook: Hook): { readonly line: string; readonly changes: boolean; readonly cwd?: string } | null => {
  const native = parseHookPayload(hook.stdinText)
  const { event, tool } = resolveHookContext({ flagTool: hook.flagTool, flagEvent: hook.flagEvent, payload: native })
  const payload = canonicalPayload(tool, native)
  const line = (outcome: object, changes = false) => ({
    line: JSON.stringify({ at: new Date(at).toISOString(), tool, event, ...outcome }),
    changes,
    ...(payload.cwd === undefined ? {} : { cwd: payload.cwd })
  })
  if (payload.malformed) return line({ action: "skipped", reason: "the hook payload on stdin is not a JSON object" })
  if (tool === null || event === null) return line({ action: "skipped", reason: "cannot tell" })
  const values = parseConfigFile("config.json", hook.configText)
  const config = Either.flatMap(values, (layer) => resolveConfig([{ name: "config.json", values: layer }]))
  if (Either.isLeft(config)) return line({ action: "skipped", reason: `error: ${config.left.message}` })
  if (!eventMayTrigger(config.right, event)) return line({ action: "skipped", reason: `${event} is not in trigger.events` })
  if (providerForTool(tool) === undefined) return line({ action: "skipped", reason: "no provider" })
  const health = Schema.decodeUnknownEither(DaemonHealth)(hook.health)
  const model = Schema.decodeUnknownEither(ReadModel)(hook.readModel)
  const observation: QuotaObservation = hook.unreachable !== undefined
    ? { _tag: "Unavailable", reason: unavailableMessage(hook.unreachable) }
    : Either.isRight(health) && compatibleApiVersions.includes(health.right.api_version) && Either.isRight(model)
      ? {
        _tag: "Reading",
        reading: readQuota({
          tool,
          model: model.right,
          nowMillis: now,
          maxStalenessMinutes: config.right.openusage.maxStalenessMinutes
        })
      }
      : { _tag: "Unavailable", reason: "protocol" }
  const memory = Option.getOrElse(Option.flatMap(Option.fromNullable(hook.memoryText), decodeTriggerMemory), () => emptyMemory)
  const toolMemory = memory.tools[tool] ?? armedTool
  const decision = decideTrigger({ tool, event, observation, memory: toolMemory, config: config.right, nowMillis: now })
  if (decision._tag === "Capture") return line({ action: "captured" }, true)
  const percent = observation._tag === "Reading" && observation.reading._tag === "Known" ? observation.reading.percent : null
  return line({ action: "skipped", reason: decision.reason, percent }, decision.memory.armed !== toolMemory.armed)
}

/** What the gate does, in src/gate/gate.ts's order (its IO left out): the line it logs, or undefined when it hands over. */
const gate = (hook: Hook): { readonly line: string; readonly cwd?: string } | undefined => {
  const call = gateHookCall(hook.flagTool, hook.flagEvent, hook.stdinText)
  if (call === undefined) return undefined
  const config = gateConfig(hook.configText)
  if (config === undefined) return undefined
  const done = (skip: NonNullable<ReturnType<typeof gateEventSkip>>) => ({
    line: gateEventLine(at, call.tool, call.event, skip),
    ...(call.cwd === undefined ? {} : { cwd: call.cwd })
  })
  const eventSkip = gateEventSkip(config, call.event)
  if (eventSkip !== undefined) return done(eventSkip)
  // The gate asks for the read model only of a daemon whose health it accepts.
  if (hook.unreachable === undefined && !gateHealthOk(hook.health)) return undefined
  const answer: GateDaemonAnswer = hook.unreachable === undefined
    ? { _tag: "Answered", readModel: hook.readModel }
    : { _tag: "Unreachable", message: unavailableMessage(hook.unreachable) }
  const skip = gateDaemonSkip(config, call.tool, answer, hook.memoryText, now)
  return skip === undefined ? undefined : done(skip)
}

// --- generators ----------------------------------------------------------------------------------------------------

const someOf = <A>(...values: ReadonlyArray<A>) => fc.constantFrom(...values)
/** Mostly what a real setup has, now and then what only a broken or hostile one has. */
const mostly = <A, B>(usual: fc.Arbitrary<A>, odd: fc.Arbitrary<B>) =>
  fc.oneof({ weight: 19, arbitrary: usual }, { weight: 1, arbitrary: odd })
const events = ["UserPromptSubmit", "Stop", "SessionStart"]
const onEventEvents = mostly(someOf("UserPromptSubmit", "Stop"), someOf("SessionStart"))
const percent = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: -5, max: 105, noNaN: true }))
const iso = (offsetMinutes: number) => new Date(now + offsetMinutes * 60_000).toISOString()

const configText = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    trigger: fc.record({
      thresholdPercent: mostly(fc.oneof(someOf(90, 80), percent), someOf("90", null)),
      events: mostly(fc.subarray(events), someOf<unknown>("Stop", ["beforeSubmitPrompt"])),
      onUnavailable: mostly(someOf("skip", "capture"), someOf("never")),
      rearmBelowPercent: percent,
      $schema: fc.string()
    }, { requiredKeys: [] }),
    openusage: fc.record({
      socketPath: mostly(someOf(null, "/tmp/x.sock"), someOf(3)),
      timeoutMs: mostly(someOf(1500, 40), someOf(0, 2.5)),
      maxStalenessMinutes: mostly(someOf(15, 1, 10000), someOf(-1))
    }, { requiredKeys: [] }),
    capture: fc.record({
      includeUntracked: mostly(fc.boolean(), someOf("yes")),
      secrets: mostly(someOf("warn", "block", "off"), someOf("loud"))
    }, { requiredKeys: [] }),
    bundles: fc.record({ keep: mostly(someOf(20, 3), someOf(0)) }, { requiredKeys: [] }),
    adapters: mostly(someOf(["claude"], []), someOf<unknown>([3], "claude")),
    unknownKey: mostly(fc.constant(undefined), fc.constant(1)),
    $schema: fc.constant("https://example.org/schema.json")
  }, { requiredKeys: [] }).map((config) => JSON.stringify(config)) },
  { weight: 1, arbitrary: someOf("", "not json", "[]", "null", "{\"trigger\":null}", "{\"__proto__\":{}}") }
)

const payloadText = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    hook_event_name: mostly(onEventEvents, someOf<unknown>("beforeSubmitPrompt", "AfterAgent", "stop", " Stop", 5)),
    cwd: mostly(someOf("/work/repo"), someOf<unknown>("relative/dir", "", 7)),
    session_id: someOf<unknown>("s-1", 2),
    turn_id: someOf("t-1"),
    conversation_id: mostly(fc.constant(undefined), someOf<unknown>("c-1", 9)),
    sessionId: someOf("S-1"),
    transcript_path: someOf("/home/u/.claude/projects/x/1.jsonl", "/home/u/.codex/sessions/rollout-1.jsonl", null),
    prompt_response: someOf("done")
  }, { requiredKeys: [] }).map((payload) => JSON.stringify(payload)) },
  { weight: 1, arbitrary: someOf("", "  \n", "{", "[1]", "\"text\"", "null") }
)

const metricKeys = Object.values(gateQuotaSources).flatMap((source) => [...source.exact, ...source.prefixes.map((prefix) => `${prefix}x`)])
const metric = mostly(
  fc.record({ used: percent, limit: fc.constant(100), unit: fc.constant("%"), window: someOf("5h", "7d") }),
  fc.record({
  used: fc.oneof(percent, fc.constant(null)),
  limit: someOf(100, 0, null, 50),
  remaining: fc.oneof(percent, fc.constant(null)),
  unit: someOf("%", "requests", "USD"),
  window: someOf("5h", "7d", "month")
}, { requiredKeys: [] })
)

const providers = Object.values(gateQuotaSources)
/** A snapshot of one provider, with mostly that provider's quota metrics (and its tool's metrics or noise otherwise). */
const snapshotOf = (source: (typeof providers)[number]) => {
  const own = [...source.exact, ...source.prefixes.map((prefix) => `${prefix}x`)]
  const keys = mostly(someOf(...own), someOf(...metricKeys, "context_window", "ai_code_percentage"))
  return fc.record({
    provider_id: mostly(fc.constant(source.provider), someOf("amp")),
    account_id: someOf("a", "b", ""),
    timestamp: mostly(fc.integer({ min: -20, max: 5 }).map(iso), someOf("yesterday")),
    status: fc.oneof(
      { weight: 3, arbitrary: someOf("OK", "NEAR_LIMIT", "LIMITED") },
      { weight: 1, arbitrary: someOf("ERROR", "UNKNOWN", "AUTH_REQUIRED", "UNSUPPORTED") }
    ),
    metrics: fc.dictionary(keys, metric, { maxKeys: 4 }),
    resets: fc.oneof(
      fc.dictionary(mostly(someOf(...own), someOf("quota_reset")), fc.integer({ min: -60, max: 600 }).map(iso), { maxKeys: 3 }),
      fc.constant(null)
    ),
    attributes: mostly(someOf({ telemetry_root: "limit_snapshot" }), someOf({}, null, { telemetry_root: 1 })),
    message: someOf("", "  sign in again ")
  }, { requiredKeys: ["provider_id"] })
}

/** Read models with mostly the snapshots of the tool's own provider. */
const readModelFor = (tool: string) => fc.oneof(
  { weight: 8, arbitrary: fc.record({
    snapshots: fc.dictionary(
      fc.string({ maxLength: 3 }),
      mostly(snapshotOf(gateQuotaSources[tool] ?? providers[0]!), fc.constantFrom(...providers).chain(snapshotOf)),
      { maxKeys: 4 }
    )
  }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: someOf<unknown>({ snapshots: [] }, [], "text", null, { snapshots: { a: { provider_id: 1 } } }) }
)

const health = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>({ status: "ok", daemon_version: "0.24.4", api_version: "v1" }) },
  { weight: 1, arbitrary: someOf<unknown>({}, { api_version: "" }, { api_version: "v2" }, { status: 1 }, [], "ok", null) }
)

const toolMemory = fc.record({
  armed: mostly(fc.boolean(), someOf("yes")),
  window: fc.oneof(fc.constant(null), fc.record({ metric: someOf("usage_five_hour", null), resetsAt: fc.oneof(fc.integer({ min: -60, max: 600 }).map(iso), fc.constant(null)) })),
  lastCapture: fc.constant(null)
}, { requiredKeys: ["armed"] })

const memoryText = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  someOf("not json", "{}", "{\"tools\":[]}"),
  fc.dictionary(someOf(...Object.keys(gateQuotaSources)), toolMemory, { maxKeys: 3 }).map((tools) => JSON.stringify({ tools }))
)

const hook: fc.Arbitrary<Hook> = mostly(someOf(...Object.keys(gateQuotaSources)), someOf("qwen", "Claude", " claude", "nobody"))
  .chain((flagTool) =>
    fc.record({
      flagTool: fc.constant(flagTool),
      flagEvent: mostly(fc.oneof(fc.constant(undefined), onEventEvents), someOf("stop", "AfterAgent", "")),
      stdinText: payloadText,
      configText,
      health,
      readModel: readModelFor(flagTool),
      memoryText,
      unreachable: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        fc.record({
          code: someOf("ENOENT", "ECONNREFUSED", "EACCES", "ENOTSOCK"),
          found: someOf<"nothing" | "socket" | "file">("nothing", "socket", "file")
        })
      )
    })
  )

describe("the hook gate's policy", () => {
  it("skips only where the full policy skips, changes nothing, and logs the same line", () => {
    const settled = { event: 0, below: 0, unknown: 0, unreachable: 0 }
    fc.assert(
      fc.property(hook, (input) => {
        const decided = gate(input)
        if (decided === undefined) return
        const { percent, reason } = JSON.parse(decided.line) as { percent?: number | null; reason: string }
        settled[
          percent === undefined ? "event" : reason.startsWith("openusage unavailable") ? "unreachable" : percent === null ? "unknown" : "below"
        ]++
        expect(reason).not.toBe("")
        const full = fullPolicy(input)
        expect(full).not.toBeNull()
        expect(full!.changes).toBe(false)
        expect(decided.line).toBe(full!.line)
        expect(decided.cwd).toBe(full!.cwd)
      }),
      { numRuns: 20_000 }
    )
    // The property says something only when the gate settles a good share of each kind of case.
    expect(settled.event).toBeGreaterThan(500)
    expect(settled.below).toBeGreaterThan(200)
    expect(settled.unknown).toBeGreaterThan(500)
    expect(settled.unreachable).toBeGreaterThan(300)
  })

  it("settles the plain below-the-threshold case", () => {
    const input: Hook = {
      flagTool: "claude",
      flagEvent: undefined,
      stdinText: JSON.stringify({ hook_event_name: "Stop", cwd: "/work/repo" }),
      configText: "{}",
      health: { status: "ok", api_version: "v1" },
      readModel: {
        snapshots: {
          "claude-code": {
            provider_id: "claude_code",
            account_id: "claude-code",
            timestamp: iso(-1),
            status: "OK",
            metrics: { usage_five_hour: { used: 42.25, limit: 100, unit: "%", window: "5h" } },
            attributes: { telemetry_root: "limit_snapshot" }
          }
        }
      },
      memoryText: undefined,
      unreachable: undefined
    }
    expect(JSON.parse(gate(input)!.line)).toMatchObject({
      reason: "claude at 42.3% of 5h window (usage_five_hour), below the 90% threshold",
      percent: 42.25
    })
    expect(gate({ ...input, memoryText: JSON.stringify({ tools: { claude: { armed: false, window: null, lastCapture: null } } }) }))
      .toBeUndefined()
  })

  it("takes a bundle for claimed only when the CLI decodes its claim.json", () => {
    const decodeClaim = Schema.decodeUnknownOption(Schema.parseJson(Claim))
    const claim = fc.oneof(
      fc.record({
        by: mostly(someOf("codex", ""), someOf<unknown>(null, 3)),
        at: mostly(fc.constant("2026-11-25T17:00:00Z"), someOf<unknown>(1)),
        host: mostly(someOf("box"), someOf<unknown>(5, null)),
        pid: mostly(someOf(42), someOf<unknown>("42", null))
      }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      someOf("", "null", "[]", "{", "\"codex\"")
    )
    fc.assert(fc.property(claim, (text) => {
      if (gateClaimed(text)) expect(Option.isSome(decodeClaim(text))).toBe(true)
    }), { numRuns: 2000 })
  })

  it("knows the quota allow-lists and the session-start formats the adapters define", () => {
    const withQuota = Object.fromEntries(allAgents.flatMap((agent) =>
      agent.quota === null || agent.hooks === null ? [] : [[agent.id, agent.quota]]
    ))
    expect(gateQuotaSources).toEqual(withQuota)
    expect(gateSessionStartFormats).toEqual(SessionStartFormat)
  })
})
