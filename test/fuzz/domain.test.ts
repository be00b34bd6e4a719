import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { buildAutoSummary } from "../../src/domain/AutoSummary.js"
import { type Bundle, decodeBundleJson, describeBundleError, validateBundleId } from "../../src/domain/Bundle.js"
import {
  configFromAssignments,
  configFromEnv,
  configKeys,
  type ConfigSource,
  defaultConfig,
  envVarFor,
  parseConfigFile,
  resolveConfig
} from "../../src/domain/Config.js"
import type { ConfigInvalid } from "../../src/domain/errors.js"
import { type HookPayload, parseHookPayload, resolveHookContext } from "../../src/domain/HookEvent.js"
import { bundleStates, findPending } from "../../src/domain/Lifecycle.js"
import { ReadModel } from "../../src/domain/OpenUsage.js"
import { describeReading, isQuotaMetric, providerForTool, readQuota } from "../../src/domain/Quota.js"
import { maxContextChars, renderResumeContext } from "../../src/domain/ResumeContext.js"
import { renderSummary } from "../../src/domain/Summary.js"
import { firstIssue } from "../../src/domain/Text.js"
import { digestTranscript, type DigestOptions, type TranscriptDigest } from "../../src/domain/Transcript.js"
import { armedTool, decideTrigger, decodeTriggerMemory, emptyMemory } from "../../src/domain/Trigger.js"
import {
  hostileKey,
  hostileString,
  type Json,
  randomBytes,
  untrustedJsonLines,
  untrustedJsonText
} from "./arbitraries.js"
import {
  bundleExamples,
  configExample,
  deepJson,
  expectConfigWithinBounds,
  fuzzRuns,
  hookPayloadExamples,
  hostileTriggerKind,
  readModelExample,
  settingText,
  transcriptExamples
} from "./fuzzing.js"

// The pure parsers and decoders, called directly with hostile input: each returns a typed error or a value that keeps
// its invariants, and none throws.

const nowMillis = Date.parse("2026-11-25T17:00:00Z")

const parsedJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

const oneOf = <A>(examples: ReadonlyArray<A>, generator: (example: A) => fc.Arbitrary<string>) =>
  fc.constantFrom(...examples).chain(generator)

describe("hook payloads", () => {
  const isString = (value: unknown) => typeof value === "string"
  /** What each field must be for a payload to keep it. */
  const fieldTypes: Readonly<Record<string, (value: unknown) => boolean>> = {
    session_id: isString,
    transcript_path: (value) => value === null || isString(value),
    cwd: isString,
    hook_event_name: isString,
    permission_mode: isString,
    model: isString,
    source: isString,
    prompt: isString,
    turn_id: isString,
    stop_hook_active: Predicate.isBoolean,
    last_assistant_message: isString
  }
  const hookStdin = oneOf(hookPayloadExamples, untrustedJsonText)

  it("parsing never throws; each field is kept exactly when it has its type, and anything but an object is malformed", () => {
    fc.assert(
      fc.property(hookStdin, (stdin) => {
        const payload: HookPayload = parseHookPayload(stdin)
        const json = parsedJson(stdin)
        if (stdin.trim() === "") {
          expect(payload).toEqual({})
          return
        }
        if (Option.isNone(json) || !Predicate.isRecord(json.value)) {
          expect(payload).toEqual({ malformed: true })
          return
        }
        const object = json.value
        const kept = Object.fromEntries(
          Object.entries(fieldTypes).flatMap(([field, hasType]) =>
            Object.hasOwn(object, field) && hasType(object[field]) ? [[field, object[field]]] : []
          )
        )
        expect(payload).toEqual(kept)
      }),
      fuzzRuns(1_000)
    )
  })

  it("the tool and event of a hook are a trimmed string or null, whatever the flags and the payload", () => {
    const flag = fc.option(hostileString, { nil: undefined })
    fc.assert(
      fc.property(hookStdin, flag, flag, (stdin, flagTool, flagEvent) => {
        const { event, tool } = resolveHookContext({ flagTool, flagEvent, payload: parseHookPayload(stdin) })
        for (const value of [tool, event]) {
          if (value !== null) expect(value).toBe(value.trim())
        }
        if (flagTool !== undefined && flagTool.trim() !== "") expect(tool).toBe(flagTool.trim().toLowerCase())
      }),
      fuzzRuns(500)
    )
  })
})

describe("config", () => {
  const file = "/repo/.handover/config.json"

  const expectTypedError = (error: ConfigInvalid, sourceNames: ReadonlyArray<string>) => {
    expect(error._tag).toBe("ConfigInvalid")
    expect(sourceNames).toContain(error.source)
    expect(typeof error.message).toBe("string")
  }

  /** Resolves the sources: a valid config within its bounds, or ConfigInvalid naming one of them. */
  const expectResolved = (sources: ReadonlyArray<ConfigSource>) => {
    const resolved = resolveConfig(sources)
    if (Either.isRight(resolved)) expectConfigWithinBounds(resolved.right)
    else expectTypedError(resolved.left, sources.map((source) => source.name))
    return resolved
  }

  /** The first key of a layer that is not a config key ($schema is allowed at any level). */
  const unknownKeyIn = (layer: unknown, prefix = ""): string | undefined => {
    if (!Predicate.isRecord(layer) || Array.isArray(layer)) return undefined
    for (const key of Object.keys(layer)) {
      const path = prefix === "" ? key : `${prefix}.${key}`
      if (key === "$schema" || configKeys.includes(path)) continue
      if (!configKeys.some((known) => known.startsWith(`${path}.`))) return path
      const inner = unknownKeyIn(layer[key], path)
      if (inner !== undefined) return inner
    }
    return undefined
  }

  it("config.json text: ConfigInvalid naming the file, or a config within bounds; an unknown key is always refused", () => {
    fc.assert(
      fc.property(untrustedJsonText(configExample), (text) => {
        const layer = parseConfigFile(file, text)
        if (Either.isLeft(layer)) return expectTypedError(layer.left, [file])
        expect(Predicate.isRecord(layer.right) && !Array.isArray(layer.right)).toBe(true)
        const resolved = expectResolved([{ name: file, values: layer.right }])
        if (unknownKeyIn(layer.right) !== undefined) expect(Either.isLeft(resolved)).toBe(true)
      }),
      fuzzRuns(1_000, { examples: [[`{"adapters":${deepJson}}`]] })
    )
  })

  it("HANDOVER_* variables: ConfigInvalid naming the environment, or a config within bounds", () => {
    const name = fc.oneof(fc.constantFrom(...configKeys.map(envVarFor)), hostileString.map((key) => `HANDOVER_${key}`))
    fc.assert(
      fc.property(fc.dictionary(name, settingText, { maxKeys: 6 }), (env) => {
        expectResolved([{ name: "environment", values: configFromEnv(env) }])
      }),
      fuzzRuns(1_000)
    )
  })

  it("--set assignments: ConfigInvalid from --set, or a config within bounds", () => {
    const assignment = fc.oneof(
      fc.tuple(fc.constantFrom(...configKeys), settingText).map(([key, value]) => `${key}=${value}`),
      fc.tuple(hostileKey, settingText).map(([key, value]) => `${key}=${value}`),
      hostileString
    )
    fc.assert(
      fc.property(fc.array(assignment, { maxLength: 5 }), (assignments) => {
        const layer = configFromAssignments(assignments)
        if (Either.isLeft(layer)) return expectTypedError(layer.left, ["--set"])
        expectResolved([{ name: "--set", values: layer.right }])
      }),
      fuzzRuns(1_000)
    )
  })
})

describe("bundle.json", () => {
  const example = bundleExamples[0] as unknown as Bundle

  it("decoding never throws: a corrupt file is described on one line, a decoded bundle renders within its bounds", () => {
    fc.assert(
      fc.property(oneOf(bundleExamples, untrustedJsonText), fc.option(hostileString, { nil: null }), (text, target) => {
        const decoded = decodeBundleJson(text)
        if (Either.isLeft(decoded)) {
          const reason = describeBundleError(decoded.left)
          expect(reason).not.toBe("")
          expect(reason).not.toMatch(/[\r\n]/)
          return
        }
        const bundle = decoded.right
        expect(typeof renderSummary(bundle)).toBe("string")
        expect(renderResumeContext(bundle, "/repo/.handover", target).length).toBeLessThanOrEqual(maxContextChars)
        const verdict = findPending([bundle, example], { nowMillis, expireAfterHours: 72 })
        expect(["Pending", "None"]).toContain(verdict._tag)
        const states = bundleStates([bundle, example], { nowMillis, expireAfterHours: 72 })
        expect(states).toHaveLength(2)
        expect(states.filter((entry) => entry.state === "pending").length).toBeLessThanOrEqual(1)
      }),
      fuzzRuns(1_000, { examples: [[deepJson, null], [hostileTriggerKind, null]] })
    )
  })

  it("an id accepted from the command line names one directory inside bundles/", () => {
    const idLike = fc.oneof(
      hostileString,
      fc.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{4,12}$/),
      fc.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{4}[^0-9a-f]{1,3}$/)
    )
    fc.assert(
      fc.property(idLike, (id) => {
        const validated = validateBundleId(id)
        if (Either.isLeft(validated)) {
          expect(validated.left._tag).toBe("InvalidBundleId")
          return
        }
        expect(validated.right).toMatch(/^[0-9TZa-f-]+$/)
      }),
      fuzzRuns(1_000)
    )
  })
})

describe("daemon answers", () => {
  const fresh = new Date(nowMillis - 120_000).toISOString()
  const decodeReadModel = Schema.decodeUnknownEither(ReadModel)
  const tools = fc.oneof(fc.constantFrom("claude", "codex", "gemini"), hostileString)

  it("a read model decodes or fails typed; a reading from it is finite, 0–100, and from an allow-listed metric", () => {
    fc.assert(
      fc.property(untrustedJsonText(readModelExample(fresh)), tools, (text, tool) => {
        const json = parsedJson(text)
        if (Option.isNone(json)) return
        const model = decodeReadModel(json.value)
        if (Either.isLeft(model)) {
          const { field, reason } = firstIssue(model.left)
          expect([typeof field, typeof reason]).toEqual(["string", "string"])
          return
        }
        const reading = readQuota({ tool, model: model.right, nowMillis, maxStalenessMinutes: 15 })
        expect(typeof describeReading(reading)).toBe("string")
        if (reading._tag === "Unknown") return
        expect(Number.isFinite(reading.percent) && reading.percent >= 0 && reading.percent <= 100).toBe(true)
        expect(reading.provider).toBe(providerForTool(tool))
        expect(isQuotaMetric(reading.provider, reading.metric)).toBe(true)
      }),
      fuzzRuns(1_000, { examples: [[`{"snapshots":{"claude-code":${deepJson}}}`, "claude"]] })
    )
  })

  it("trigger memory from disk and a fuzzed reading never throw the policy; a capture records a percent within 0–100", () => {
    const memoryExample: Json = {
      tools: {
        claude: {
          armed: false,
          window: { metric: "usage_five_hour", resetsAt: "2026-11-25T18:00:00Z" },
          lastCapture: { at: "2026-11-25T16:00:00Z", bundleId: "20261125T160000Z-7f3a", percent: 95, reason: "threshold" }
        }
      }
    }
    fc.assert(
      fc.property(untrustedJsonText(memoryExample), untrustedJsonText(readModelExample(fresh)), (memoryText, modelText) => {
        const memory = Option.getOrElse(decodeTriggerMemory(memoryText), () => emptyMemory)
        const model = Either.getOrElse(decodeReadModel(Option.getOrNull(parsedJson(modelText))), () => ({ snapshots: {} }))
        const decision = decideTrigger({
          tool: "claude",
          event: "Stop",
          observation: { _tag: "Reading", reading: readQuota({ tool: "claude", model, nowMillis, maxStalenessMinutes: 15 }) },
          memory: memory.tools["claude"] ?? armedTool,
          config: defaultConfig,
          nowMillis
        })
        if (decision._tag === "Skip") {
          expect(typeof decision.memory.armed).toBe("boolean")
          return
        }
        const percent = decision.trigger.percent
        expect(percent === null || (Number.isFinite(percent) && percent >= 0 && percent <= 100)).toBe(true)
      }),
      fuzzRuns(500)
    )
  })
})

describe("transcripts", () => {
  const transcriptText = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...transcriptExamples).chain(untrustedJsonLines) },
    { weight: 1, arbitrary: randomBytes.map((bytes) => Buffer.from(bytes).toString("utf8")) },
    { weight: 1, arbitrary: hostileString }
  )
  const limits: fc.Arbitrary<Required<DigestOptions>> = fc.record({
    maxRequests: fc.integer({ min: 0, max: 6 }),
    maxFiles: fc.integer({ min: 0, max: 6 }),
    maxCommands: fc.integer({ min: 0, max: 6 }),
    maxChars: fc.integer({ min: 1, max: 600 })
  })

  const expectWithinLimits = (digest: TranscriptDigest, limit: Required<DigestOptions>) => {
    expect(["claude", "codex", "unknown"]).toContain(digest.format)
    expect(digest.requests.length).toBeLessThanOrEqual(limit.maxRequests)
    expect(digest.filesEdited.length).toBeLessThanOrEqual(limit.maxFiles)
    expect(digest.commands.length).toBeLessThanOrEqual(limit.maxCommands)
    const texts = [...digest.requests, ...digest.filesEdited, ...digest.commands.map((c) => c.command)]
    for (const text of [...texts, ...(digest.lastAssistant === null ? [] : [digest.lastAssistant])]) {
      expect(text.length).toBeLessThanOrEqual(limit.maxChars)
    }
    for (const { command, exitCode } of digest.commands) {
      expect(command).not.toMatch(/\n/)
      expect(exitCode === null || Number.isInteger(exitCode), `exit code ${exitCode}`).toBe(true)
    }
  }

  it("a digest never throws and stays within its limits; the automatic summary built from it stays bounded", () => {
    fc.assert(
      fc.property(transcriptText, limits, oneOf(hookPayloadExamples, untrustedJsonText), (text, limit, stdin) => {
        const digest = digestTranscript(text, limit)
        expectWithinLimits(digest, limit)
        const summary = buildAutoSummary({
          trigger: {
            kind: "threshold", tool: "claude", event: "Stop", percent: 95, metric: "usage_five_hour", window: "5h",
            resetsAt: null, threshold: 90, reason: "threshold"
          },
          payload: parseHookPayload(stdin),
          digest
        })
        expect(summary.title).not.toBe("")
        expect(summary.summary.length).toBeLessThanOrEqual(8_000)
      }),
      fuzzRuns(500)
    )
  })
})
