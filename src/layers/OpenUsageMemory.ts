import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { DaemonProtocolError, DaemonTimeout, DaemonUnavailable, type OpenUsageError } from "../domain/errors.js"
import type { DaemonConnection, DaemonHealth, ReadModel } from "../domain/OpenUsage.js"
import { OpenUsage } from "../services/OpenUsage.js"

// A daemon that answers from memory, for unit tests of whatever asks openusage.

export interface OpenUsageMemoryOptions {
  /** Defaults to a healthy v1 daemon. */
  readonly health?: DaemonHealth | OpenUsageError
  /** Defaults to no snapshots at all. */
  readonly readModel?: ReadModel | OpenUsageError
}

export interface OpenUsageCall {
  readonly method: "health" | "readModel"
  readonly connection: DaemonConnection
}

const healthyDaemon: DaemonHealth = { status: "ok", daemon_version: "0.24.4", api_version: "v1" }
const noSnapshots: ReadModel = { snapshots: {} }

const isOpenUsageError = (value: unknown): value is OpenUsageError =>
  value instanceof DaemonUnavailable || value instanceof DaemonTimeout || value instanceof DaemonProtocolError

const answer = <A>(value: A | OpenUsageError): Effect.Effect<A, OpenUsageError> =>
  isOpenUsageError(value) ? Effect.fail(value) : Effect.succeed(value)

/** The layer plus the log of the calls it received, in order (to assert the daemon was or was not asked). */
const make = (options: OpenUsageMemoryOptions = {}): {
  readonly layer: Layer.Layer<OpenUsage>
  readonly calls: ReadonlyArray<OpenUsageCall>
} => {
  const calls: Array<OpenUsageCall> = []
  const layer = Layer.succeed(OpenUsage, {
    health: (connection) =>
      Effect.suspend(() => {
        calls.push({ method: "health", connection })
        return answer(options.health ?? healthyDaemon)
      }),
    readModel: (connection) =>
      Effect.suspend(() => {
        calls.push({ method: "readModel", connection })
        return answer(options.readModel ?? noSnapshots)
      })
  })
  return { layer, calls }
}

export const OpenUsageMemory = {
  make,
  layer: (options: OpenUsageMemoryOptions = {}): Layer.Layer<OpenUsage> => make(options).layer
}
