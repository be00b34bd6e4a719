import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { HandoverConfig } from "../domain/Config.js"
import type { DaemonConnection } from "../domain/OpenUsage.js"
import { resolveSocketPath } from "../domain/SocketPath.js"
import { readQuota } from "../domain/Quota.js"
import type { QuotaObservation } from "../domain/Trigger.js"
import { OpenUsage } from "../services/OpenUsage.js"
import { Workspace } from "../services/Workspace.js"

export const daemonConnection = (config: HandoverConfig) =>
  Effect.map(Workspace, (workspace): DaemonConnection => ({
    socketPath: resolveSocketPath(config.openusage.socketPath, workspace.env, workspace.home),
    timeoutMs: config.openusage.timeoutMs
  }))

/**
 * healthz, then read-model, within one deadline of openusage.timeoutMs in all: a daemon that accepts and never
 * answers costs a hook at most that long.
 */
export const askDaemon = (connection: DaemonConnection) =>
  Effect.gen(function*() {
    const openusage = yield* OpenUsage
    const started = yield* Clock.currentTimeMillis
    const health = yield* openusage.health(connection)
    const remaining = connection.timeoutMs - ((yield* Clock.currentTimeMillis) - started)
    const model = yield* openusage.readModel({ ...connection, timeoutMs: Math.max(1, remaining) })
    return { health, model }
  })

/** The quota of each tool as handover reads it, or why the daemon could not be asked. */
export const observeQuota = (config: HandoverConfig, tools: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const connection = yield* daemonConnection(config)
    const answer = yield* Effect.either(askDaemon(connection))
    const nowMillis = yield* Clock.currentTimeMillis
    return {
      connection,
      /** The daemon's health and read model (for a closer look than the observations), or why it could not be asked. */
      answer,
      nowMillis,
      observations: tools.map((tool): readonly [string, QuotaObservation] => [
        tool,
        answer._tag === "Left"
          ? { _tag: "Unavailable", reason: answer.left.message }
          : {
            _tag: "Reading",
            reading: readQuota({
              tool,
              model: answer.right.model,
              nowMillis,
              maxStalenessMinutes: config.openusage.maxStalenessMinutes
            })
          }
      ])
    }
  })
