import * as Schema from "effect/Schema"

// Wire shapes of the openusage daemon (see shared/reference/openusage-protocol.md). Unknown fields are ignored.

export const DaemonHealth = Schema.Struct({
  status: Schema.optional(Schema.String),
  daemon_version: Schema.optional(Schema.String),
  api_version: Schema.optionalWith(Schema.String, { default: () => "" }),
  integration_version: Schema.optional(Schema.String)
})
export type DaemonHealth = typeof DaemonHealth.Type

export const compatibleApiVersions: ReadonlyArray<string> = ["", "v1"]

export const UsageMetric = Schema.Struct({
  limit: Schema.optional(Schema.NullOr(Schema.Number)),
  remaining: Schema.optional(Schema.NullOr(Schema.Number)),
  used: Schema.optional(Schema.NullOr(Schema.Number)),
  unit: Schema.optional(Schema.String),
  window: Schema.optional(Schema.String)
})
export type UsageMetric = typeof UsageMetric.Type

export const UsageSnapshot = Schema.Struct({
  provider_id: Schema.String,
  account_id: Schema.optionalWith(Schema.String, { default: () => "" }),
  timestamp: Schema.optional(Schema.String),
  status: Schema.optionalWith(Schema.String, { default: () => "UNKNOWN" }),
  metrics: Schema.optionalWith(Schema.Record({ key: Schema.String, value: UsageMetric }), { default: () => ({}) }),
  resets: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
  attributes: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
  message: Schema.optional(Schema.String)
})
export type UsageSnapshot = typeof UsageSnapshot.Type

export const ReadModel = Schema.Struct({
  snapshots: Schema.optionalWith(Schema.Record({ key: Schema.String, value: UsageSnapshot }), {
    default: () => ({})
  })
})
export type ReadModel = typeof ReadModel.Type

/** Where to reach the daemon and how long a whole exchange may take. */
export interface DaemonConnection {
  readonly socketPath: string
  readonly timeoutMs: number
}

