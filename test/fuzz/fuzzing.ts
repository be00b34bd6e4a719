import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as fc from "fast-check"
import { expect } from "vitest"
import { defaultConfig, type HandoverConfig } from "../../src/domain/Config.js"
import { makeBundle } from "../helpers/bundles.js"
import { claudeSnapshot, codexSnapshot, defaultHealth, type RawAnswer, readModelOf } from "../helpers/fakeDaemon.js"
import { hostileNumber, hostileString, type Json, jsonFixture, randomBytes, toJsonText, untrustedJsonText } from "./arbitraries.js"

// What every fuzz test shares: reproducible run parameters, the checks of a crash and of a valid config, the valid
// examples of each untrusted shape that the structure-aware generators mutate, and generators tied to those shapes.

/**
 * Fixed so that every run draws the same inputs; FUZZ_SEED=<n> draws others. A failure prints its seed (replay it with
 * FUZZ_SEED) and the counterexample itself.
 */
const fuzzSeed = Number(process.env["FUZZ_SEED"] ?? 20261125)

/**
 * Parameters of one property. Properties that start processes do not shrink (each step costs a CLI start): they
 * report the first counterexample as found. Examples (inputs that once found a defect) run first, every time.
 */
export const fuzzRuns = <T>(
  numRuns: number,
  options: { readonly shrink?: boolean; readonly examples?: ReadonlyArray<NoInfer<T>> } = {}
): fc.Parameters<T> => ({
  seed: fuzzSeed,
  numRuns,
  endOnFailure: options.shrink === false,
  examples: [...(options.examples ?? [])]
})

/** JSON nested 10,000 levels deep: it once overflowed the stack of the schema error formatter. */
export const deepJson = "[".repeat(10_000) + "]".repeat(10_000)

/** A JavaScript stack frame, or an error dumped by the runtime rather than reported by handover. */
const stackTrace = /^\s+at .+\(.+:\d+:\d+\)$|^\s*\w*Error(?: \[\w+\])?:/m

export const expectNoStackTrace = (stderr: string): void => {
  expect(stderr, "stderr holds a stack trace").not.toMatch(stackTrace)
}

/** Every non-empty line of a text. */
export const linesOf = (text: string): ReadonlyArray<string> => text.split("\n").filter((line) => line.trim() !== "")

/** The documented bounds of every config key, restated here because the schema's own filters are under test. */
export const expectConfigWithinBounds = (config: HandoverConfig): void => {
  const isPercent = (value: number) => Number.isFinite(value) && value >= 0 && value <= 100
  const isPositiveWhole = (value: number) => Number.isInteger(value) && value > 0
  expect(isPercent(config.trigger.thresholdPercent), "thresholdPercent").toBe(true)
  expect(isPercent(config.trigger.rearmBelowPercent), "rearmBelowPercent").toBe(true)
  for (const [key, value] of Object.entries({ ...config.openusage, ...config.capture, ...config.bundles })) {
    if (typeof value === "number") expect(isPositiveWhole(value), key).toBe(true)
  }
  expect(config.trigger.events.every((event) => ["SessionStart", "UserPromptSubmit", "Stop"].includes(event))).toBe(true)
  expect(["skip", "capture"]).toContain(config.trigger.onUnavailable)
  expect(["warn", "block", "off"]).toContain(config.capture.secrets)
  expect(config.openusage.socketPath === null || typeof config.openusage.socketPath === "string").toBe(true)
  expect(config.adapters.every((adapter) => typeof adapter === "string")).toBe(true)
  expect(typeof config.capture.includeUntracked).toBe("boolean")
}

// ---------------------------------------------------------------------------------------------------------------
// Valid examples of every untrusted input

const fixturesDir = new URL("../fixtures/", import.meta.url)
const readFixture = (name: string) => readFileSync(fileURLToPath(new URL(name, fixturesDir)), "utf8")

/** The hook payloads of Claude Code and Codex for every event (test/fixtures/hooks). */
export const hookPayloadExamples: ReadonlyArray<Json> = readdirSync(fileURLToPath(new URL("hooks/", fixturesDir)))
  .sort()
  .map((name) => jsonFixture(readFixture(`hooks/${name}`)))

/** The lines of the Claude Code transcript and the Codex rollout fixtures. */
export const transcriptExamples: ReadonlyArray<ReadonlyArray<Json>> = ["claude-transcript.jsonl", "codex-rollout.jsonl"]
  .map((name) => readFixture(name).split("\n").filter((line) => line !== "").map(jsonFixture))

export const configExample = defaultConfig as unknown as Json

/** A manual capture, and an automatic one that carried its steps over and has been claimed: between them every field of bundle.json. */
export const bundleExamples: ReadonlyArray<Json> = [
  makeBundle(),
  makeBundle({
    trigger: {
      kind: "threshold", tool: "claude", event: "Stop", percent: 95, metric: "usage_five_hour", window: "5h",
      resetsAt: "2026-11-25T18:00:00Z", threshold: 90, reason: "threshold"
    },
    source: { tool: "claude", sessionId: "7f3e9a10", transcriptPath: "/home/dev/.claude/projects/x/7f3e9a10.jsonl" },
    target: { tool: "codex" },
    repo: { upstream: "origin/main" },
    patch: { files: [{ path: "b.bin", oldPath: "a.bin", status: "renamed", binary: true }] },
    secrets: { mode: "warn", findings: [{ path: ".env", line: 3, kind: "assigned password" }] },
    claim: { by: "codex", at: "2026-11-25T17:00:00Z", host: "laptop", pid: 4242 },
    nextSteps: ["Continue the last request: fix it", "Write the tests"],
    carriedOver: { from: "20261125T160000Z-aaaa", title: "Plan", nextSteps: ["Write the tests"] }
  })
] as unknown as ReadonlyArray<Json>

export const healthExample = defaultHealth as Json

/** A read model of hydrated Claude Code and Codex accounts, fresh at `timestamp`; Claude is over the threshold. */
export const readModelExample = (timestamp: string): Json =>
  readModelOf(
    claudeSnapshot({ fiveHour: 95, sevenDay: 40, sevenDayOpus: 12, timestamp }),
    codexSnapshot({ primary: 97, secondary: 20, creditPercentUsed: 3, timestamp })
  ) as unknown as Json

/** A bundle whose trigger kind has a toString that is not a function: it once threw inside Effect's union decoder. */
export const hostileTriggerKind = toJsonText({ ...(bundleExamples[0] as object), trigger: { kind: [{ toString: "" }] } })

// ---------------------------------------------------------------------------------------------------------------
// Generators tied to the shapes above

/** A setting as the environment or a --set flag carries it: numbers in every spelling, lists, and anything. */
export const settingText: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  hostileNumber.map((value) => toJsonText(value)),
  fc.array(fc.constantFrom("Stop", "UserPromptSubmit", "SessionStart", "stop", "", " "), { maxLength: 4 }).map((list) =>
    list.join(",")
  )
)

/** How the daemon refuses a request (400, 405): {"error": …}. */
const daemonErrorExample: Json = { error: "invalid read-model request" }

/**
 * An HTTP answer of the daemon: any status, a fuzzed body around the valid one or around an error answer, sometimes
 * cut off mid-way.
 */
export const daemonAnswer = (valid: Json): fc.Arbitrary<RawAnswer> =>
  fc.record({
    status: fc.oneof(
      { weight: 6, arbitrary: fc.constant(200) },
      { weight: 2, arbitrary: fc.constantFrom(201, 204, 301, 400, 404, 405, 500, 503) },
      { weight: 1, arbitrary: fc.integer({ min: 100, max: 999 }) }
    ),
    body: fc.oneof(
      { weight: 4, arbitrary: untrustedJsonText(valid) },
      { weight: 1, arbitrary: untrustedJsonText(daemonErrorExample) },
      { weight: 1, arbitrary: randomBytes }
    ),
    cutShort: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
  })
