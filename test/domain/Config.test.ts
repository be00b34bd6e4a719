import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import {
  configFromAssignments,
  configFromEnv,
  configKeys,
  type ConfigLayer,
  type ConfigSource,
  defaultConfig,
  envVarFor,
  type HandoverConfig,
  parseConfigFile,
  resolveConfig
} from "../../src/domain/Config.js"
import type { ConfigInvalid } from "../../src/domain/errors.js"

const file = "/repo/.handover/config.json"

const resolved = (sources: ReadonlyArray<ConfigSource>): HandoverConfig => {
  const result = resolveConfig(sources)
  if (Either.isLeft(result)) throw new Error(`expected a valid config, got: ${result.left.message}`)
  return result.right
}

const invalid = <A>(result: Either.Either<A, ConfigInvalid>): ConfigInvalid => {
  if (Either.isRight(result)) throw new Error(`expected ConfigInvalid, got ${JSON.stringify(result.right)}`)
  return result.left
}

const fileSource = (text: string): ConfigSource => {
  const values = parseConfigFile(file, text)
  if (Either.isLeft(values)) throw new Error(values.left.message)
  return { name: file, values: values.right }
}

const layerOf = (result: Either.Either<ConfigLayer, ConfigInvalid>): ConfigLayer => {
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe("defaults", () => {
  it.effect("match the design", () =>
    Effect.sync(() => {
      expect(resolved([])).toEqual({
        trigger: { thresholdPercent: 90, events: ["UserPromptSubmit", "Stop"], onUnavailable: "skip", rearmBelowPercent: 50 },
        openusage: { socketPath: null, timeoutMs: 1500, maxStalenessMinutes: 15 },
        capture: { includeUntracked: true, maxPatchBytes: 50 * 1024 * 1024, secrets: "warn" },
        bundles: { keep: 20, expireAfterHours: 72 },
        adapters: ["claude", "codex"]
      })
      expect(resolved([])).toEqual(defaultConfig)
    }))

  it.effect("a partial file keeps the defaults of everything it does not set", () =>
    Effect.sync(() => {
      const config = resolved([fileSource(`{"trigger":{"thresholdPercent":80}}`)])
      expect(config.trigger).toEqual({ ...defaultConfig.trigger, thresholdPercent: 80 })
      expect(config.bundles).toEqual(defaultConfig.bundles)
    }))
})

describe("environment variable names", () => {
  it.effect.each([
    { path: "trigger.thresholdPercent", name: "HANDOVER_TRIGGER_THRESHOLD_PERCENT" },
    { path: "trigger.onUnavailable", name: "HANDOVER_TRIGGER_ON_UNAVAILABLE" },
    { path: "openusage.socketPath", name: "HANDOVER_OPENUSAGE_SOCKET_PATH" },
    { path: "capture.maxPatchBytes", name: "HANDOVER_CAPTURE_MAX_PATCH_BYTES" },
    { path: "bundles.expireAfterHours", name: "HANDOVER_BUNDLES_EXPIRE_AFTER_HOURS" },
    { path: "adapters", name: "HANDOVER_ADAPTERS" }
  ])("$path → $name", ({ path, name }) => Effect.sync(() => expect(envVarFor(path)).toBe(name)))

  it.effect("every key has a distinct variable", () =>
    Effect.sync(() => expect(new Set(configKeys.map(envVarFor)).size).toBe(configKeys.length)))

  it.effect("values are parsed by the key's type; other variables are ignored", () =>
    Effect.sync(() => {
      const layer = configFromEnv({
        HANDOVER_TRIGGER_THRESHOLD_PERCENT: "75",
        HANDOVER_TRIGGER_EVENTS: "Stop, SessionStart",
        HANDOVER_CAPTURE_INCLUDE_UNTRACKED: "false",
        HANDOVER_OPENUSAGE_SOCKET_PATH: "",
        HANDOVER_ADAPTERS: "claude",
        HANDOVER_SOMETHING_ELSE: "1",
        PATH: "/usr/bin"
      })
      expect(layer).toEqual({
        trigger: { thresholdPercent: 75, events: ["Stop", "SessionStart"] },
        capture: { includeUntracked: false },
        openusage: { socketPath: null },
        adapters: ["claude"]
      })
    }))
})

describe("precedence: defaults ← file ← environment ← --set", () => {
  const sources = (env: Record<string, string>, assignments: ReadonlyArray<string>): Array<ConfigSource> => [
    fileSource(JSON.stringify({ trigger: { thresholdPercent: 70, rearmBelowPercent: 40 }, bundles: { keep: 5 } })),
    { name: "environment (HANDOVER_*)", values: configFromEnv(env) },
    { name: "--set", values: layerOf(configFromAssignments(assignments)) }
  ]

  it.effect("each later source wins for the keys it sets, and only for those", () =>
    Effect.sync(() => {
      const config = resolved(sources(
        { HANDOVER_TRIGGER_THRESHOLD_PERCENT: "80", HANDOVER_BUNDLES_KEEP: "7" },
        ["trigger.thresholdPercent=85"]
      ))
      expect(config.trigger.thresholdPercent).toBe(85) // --set over env over file
      expect(config.bundles.keep).toBe(7) // env over file
      expect(config.trigger.rearmBelowPercent).toBe(40) // file over defaults
      expect(config.bundles.expireAfterHours).toBe(72) // defaults
    }))

  it.effect("--set parses values by type and may repeat a key (the last wins)", () =>
    Effect.sync(() => {
      const layer = layerOf(configFromAssignments([
        "capture.secrets=block",
        "capture.includeUntracked=0",
        "openusage.socketPath=/tmp/x.sock",
        "trigger.events=Stop",
        "bundles.keep=3",
        "bundles.keep=4"
      ]))
      expect(resolved([{ name: "--set", values: layer }])).toMatchObject({
        capture: { secrets: "block", includeUntracked: false },
        openusage: { socketPath: "/tmp/x.sock" },
        trigger: { events: ["Stop"] },
        bundles: { keep: 4 }
      })
    }))

  it.effect("--set with an unknown key or without = is rejected, naming the key", () =>
    Effect.sync(() => {
      const unknown = invalid(configFromAssignments(["bundles.kept=2"]))
      expect(unknown).toMatchObject({ _tag: "ConfigInvalid", source: "--set", field: "bundles.kept" })
      expect(unknown.message).toContain("bundles.kept")
      expect(invalid(configFromAssignments(["bundles.keep"]))).toMatchObject({ field: "bundles.keep" })
    }))

  it.effect("a bad environment value names the environment and the field", () =>
    Effect.sync(() => {
      const error = invalid(resolveConfig([
        { name: "environment (HANDOVER_*)", values: configFromEnv({ HANDOVER_BUNDLES_KEEP: "many" }) }
      ]))
      expect(error).toMatchObject({ source: "environment (HANDOVER_*)", field: "bundles.keep" })
    }))
})

describe("invalid config files", () => {
  it.effect("text that is not JSON names the file", () =>
    Effect.sync(() => {
      const error = invalid(parseConfigFile(file, "{ \"trigger\": "))
      expect(error.source).toBe(file)
      expect(error.message).toContain(file)
      expect(error.message).toContain("not valid JSON")
    }))

  it.effect("JSON that is not an object is invalid", () =>
    Effect.sync(() => {
      for (const text of ["[]", "42", "null", "\"x\""]) {
        expect(invalid(parseConfigFile(file, text)).reason).toBe("expected a JSON object")
      }
    }))

  it.effect.each([
    { name: "a number out of range", values: { trigger: { thresholdPercent: 150 } }, field: "trigger.thresholdPercent" },
    { name: "a wrong type", values: { bundles: { keep: "5" } }, field: "bundles.keep" },
    { name: "a fraction where a whole number goes", values: { bundles: { keep: 2.5 } }, field: "bundles.keep" },
    { name: "an unknown enum value", values: { capture: { secrets: "maybe" } }, field: "capture.secrets" },
    { name: "an unknown hook event", values: { trigger: { events: ["Stop", "Bogus"] } }, field: "trigger.events.1" },
    { name: "a section of the wrong type", values: { capture: true }, field: "capture" },
    { name: "an unknown key", values: { bundles: { kept: 3 } }, field: "bundles.kept" },
    { name: "an unknown section", values: { triggers: {} }, field: "triggers" }
  ])("$name → ConfigInvalid naming the file and $field", ({ values, field }) =>
    Effect.sync(() => {
      const error = invalid(resolveConfig([{ name: file, values }]))
      expect(error._tag).toBe("ConfigInvalid")
      expect(error.source).toBe(file)
      expect(error.field).toBe(field)
      expect(error.message).toContain(file)
      expect(error.message).toContain(field)
    }))

  it.effect("a $schema key is allowed", () =>
    Effect.sync(() => expect(resolved([fileSource(`{"$schema":"./schema.json"}`)])).toEqual(defaultConfig)))

  // A cloned repository's config.json is untrusted: names of Object.prototype members are typos like any other, and
  // nothing in it can reach a prototype.
  it.effect.each([
    { text: `{"toString":1}`, field: "toString" },
    { text: `{"constructor":{"prototype":{"polluted":true}}}`, field: "constructor" },
    { text: `{"__proto__":{"polluted":true}}`, field: "__proto__" },
    { text: `{"__proto__":{}}`, field: "__proto__" },
    { text: `{"trigger":{"hasOwnProperty":5}}`, field: "trigger.hasOwnProperty" },
    { text: `{"bundles":{"__proto__":{"keep":1}}}`, field: "bundles.__proto__" },
    { text: `{"capture":{"valueOf":1,"secrets":"off"}}`, field: "capture.valueOf" }
  ])("$text → unknown key $field", ({ text, field }) =>
    Effect.sync(() => {
      const error = invalid(resolveConfig([fileSource(text)]))
      expect(error).toMatchObject({ _tag: "ConfigInvalid", source: file, field, reason: "unknown key" })
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
    }))

  it.effect("--set and HANDOVER_* take no Object.prototype member for a key either", () =>
    Effect.sync(() => {
      for (const key of ["toString", "__proto__.polluted", "trigger.constructor", "bundles.hasOwnProperty"]) {
        expect(invalid(configFromAssignments([`${key}=1`]))).toMatchObject({ source: "--set", field: key })
      }
      expect(configFromEnv({ HANDOVER_TO_STRING: "1", HANDOVER___PROTO__: "1", HANDOVER_TRIGGER_CONSTRUCTOR: "1" }))
        .toEqual({})
    }))

})
