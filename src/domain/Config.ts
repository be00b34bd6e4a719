import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ConfigInvalid } from "./errors.js"
import { firstIssue } from "./Text.js"

const Percent = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n >= 0 && n <= 100, { message: () => "must be a number from 0 to 100" })
)
const PositiveInt = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n > 0, { message: () => "must be a whole number above 0" })
)

export const HookEventName = Schema.Literal("SessionStart", "UserPromptSubmit", "Stop")
export type HookEventName = typeof HookEventName.Type

export const HandoverConfig = Schema.Struct({
  trigger: Schema.Struct({
    thresholdPercent: Percent,
    events: Schema.Array(HookEventName),
    onUnavailable: Schema.Literal("skip", "capture"),
    rearmBelowPercent: Percent
  }),
  openusage: Schema.Struct({
    socketPath: Schema.NullOr(Schema.String),
    timeoutMs: PositiveInt,
    maxStalenessMinutes: PositiveInt
  }),
  capture: Schema.Struct({
    includeUntracked: Schema.Boolean,
    maxPatchBytes: PositiveInt,
    secrets: Schema.Literal("warn", "block", "off")
  }),
  bundles: Schema.Struct({
    keep: PositiveInt,
    expireAfterHours: PositiveInt
  }),
  adapters: Schema.Array(Schema.String)
})
export type HandoverConfig = typeof HandoverConfig.Type

export const defaultConfig: HandoverConfig = {
  trigger: {
    thresholdPercent: 90,
    events: ["UserPromptSubmit", "Stop"],
    onUnavailable: "skip",
    rearmBelowPercent: 50
  },
  openusage: { socketPath: null, timeoutMs: 1500, maxStalenessMinutes: 15 },
  capture: { includeUntracked: true, maxPatchBytes: 50 * 1024 * 1024, secrets: "warn" },
  bundles: { keep: 20, expireAfterHours: 72 },
  adapters: ["claude", "codex"]
}

/** A layer of settings before validation: nested plain objects, as found in a file, the environment or flags. */
export type ConfigLayer = { readonly [key: string]: unknown }

export interface ConfigSource {
  /** Names the source in messages: a file path, "environment" or "flags". */
  readonly name: string
  readonly values: ConfigLayer
}

type Kind = "number" | "boolean" | "string" | "nullableString" | "list"

/** Every leaf key with how a string (from the environment or a flag) turns into its value. */
const leafKinds: ReadonlyArray<readonly [path: string, kind: Kind]> = [
  ["trigger.thresholdPercent", "number"],
  ["trigger.events", "list"],
  ["trigger.onUnavailable", "string"],
  ["trigger.rearmBelowPercent", "number"],
  ["openusage.socketPath", "nullableString"],
  ["openusage.timeoutMs", "number"],
  ["openusage.maxStalenessMinutes", "number"],
  ["capture.includeUntracked", "boolean"],
  ["capture.maxPatchBytes", "number"],
  ["capture.secrets", "string"],
  ["bundles.keep", "number"],
  ["bundles.expireAfterHours", "number"],
  ["adapters", "list"]
]

export const configKeys: ReadonlyArray<string> = leafKinds.map(([path]) => path)

/** trigger.thresholdPercent → HANDOVER_TRIGGER_THRESHOLD_PERCENT */
export const envVarFor = (path: string): string =>
  "HANDOVER_" + path.replace(/\./g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()

const parseLeaf = (kind: Kind, raw: string): unknown => {
  const text = raw.trim()
  switch (kind) {
    case "number":
      return text === "" || Number.isNaN(Number(text)) ? text : Number(text)
    case "boolean":
      return text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : text
    case "nullableString":
      return text === "" || text === "null" ? null : text
    case "list":
      return text === "" ? [] : text.split(",").map((item) => item.trim()).filter((item) => item !== "")
    case "string":
      return text
  }
}

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const parts = path.split(".")
  let node = target
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    node = (typeof next === "object" && next !== null ? next : (node[part] = {})) as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
}

/** Settings from HANDOVER_* environment variables. */
export const configFromEnv = (env: Readonly<Record<string, string | undefined>>): ConfigLayer => {
  const layer: Record<string, unknown> = {}
  for (const [path, kind] of leafKinds) {
    const raw = env[envVarFor(path)]
    if (raw !== undefined) setPath(layer, path, parseLeaf(kind, raw))
  }
  return layer
}

/** Settings from repeated `--set key=value` flags; an unknown key is an error, not a silent no-op. */
export const configFromAssignments = (
  assignments: ReadonlyArray<string>
): Either.Either<ConfigLayer, ConfigInvalid> => {
  const layer: Record<string, unknown> = {}
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=")
    const key = eq < 0 ? assignment : assignment.slice(0, eq)
    const leaf = leafKinds.find(([path]) => path === key)
    if (eq < 0 || leaf === undefined) {
      return Either.left(
        new ConfigInvalid({
          source: "--set",
          field: key,
          reason: eq < 0 ? "expected key=value" : `unknown key; known keys: ${configKeys.join(", ")}`
        })
      )
    }
    setPath(layer, key, parseLeaf(leaf[1], assignment.slice(eq + 1)))
  }
  return Either.right(layer)
}

/** Parses the text of .handover/config.json into a layer; a file that is not a JSON object is invalid. */
export const parseConfigFile = (source: string, text: string): Either.Either<ConfigLayer, ConfigInvalid> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return Either.left(new ConfigInvalid({ source, field: "", reason: `not valid JSON (${(error as Error).message})` }))
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return Either.left(new ConfigInvalid({ source, field: "", reason: "expected a JSON object" }))
  }
  return Either.right(parsed as ConfigLayer)
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// Keys are looked up as own properties only: `key in shape` would take "toString", "constructor" or "__proto__" of a
// config.json for known keys. And the merge defines properties (Object.fromEntries) rather than assigning them, so
// that even a "__proto__" key can never set a prototype.

const mergeLayer = (base: unknown, layer: unknown): unknown => {
  if (!isPlainObject(base) || !isPlainObject(layer)) return layer
  return Object.fromEntries([
    ...Object.entries(base),
    ...Object.entries(layer).map(([key, value]) => [key, Object.hasOwn(base, key) ? mergeLayer(base[key], value) : value])
  ])
}

const unknownKeys = (value: unknown, shape: unknown, prefix: string): Array<string> => {
  if (!isPlainObject(value) || !isPlainObject(shape)) return []
  return Object.keys(value).flatMap((key) => {
    const path = prefix ? `${prefix}.${key}` : key
    if (key === "$schema") return []
    return Object.hasOwn(shape, key) ? unknownKeys(value[key], shape[key], path) : [path]
  })
}

const decode = Schema.decodeUnknownEither(HandoverConfig, { errors: "first", onExcessProperty: "ignore" })

/**
 * Effective config = defaults ← each source in order. Each source is validated on its own so that an error names the
 * file (or environment, or flag) that holds the bad value.
 */
export const resolveConfig = (
  sources: ReadonlyArray<ConfigSource>
): Either.Either<HandoverConfig, ConfigInvalid> => {
  let effective: unknown = defaultConfig
  for (const source of sources) {
    const unknown = unknownKeys(source.values, defaultConfig, "")
    if (unknown.length > 0) {
      return Either.left(
        new ConfigInvalid({ source: source.name, field: unknown[0]!, reason: "unknown key" })
      )
    }
    const merged = mergeLayer(effective, source.values)
    const checked = decode(merged)
    if (Either.isLeft(checked)) {
      const { field, reason } = firstIssue(checked.left)
      return Either.left(new ConfigInvalid({ source: source.name, field, reason }))
    }
    effective = checked.right
  }
  return Either.right(effective as HandoverConfig)
}
