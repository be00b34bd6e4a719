import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { defaultConfig } from "../../src/domain/Config.js"
import { DaemonTimeout } from "../../src/domain/errors.js"
import { OpenUsageMemory } from "../../src/layers/OpenUsageMemory.js"
import { Workspace } from "../../src/services/Workspace.js"
import { observeQuota } from "../../src/workflows/Quota.js"
import { claudeSnapshot, codexSnapshot, readModelOf } from "../helpers/fakeDaemon.js"

// Asking the daemon, on an in-memory daemon: which calls are made, with which connection, and what each tool reads.

const workspace = Layer.succeed(Workspace, {
  cwd: "/work/shop",
  home: "/home/dev",
  env: { XDG_STATE_HOME: "/home/dev/state" }
})

describe("observeQuota", () => {
  it.effect("asks healthz then read-model on the resolved socket, and reads each tool's quota", () => {
    const now = new Date().toISOString()
    const daemon = OpenUsageMemory.make({
      readModel: readModelOf(
        claudeSnapshot({ fiveHour: 93, timestamp: now }),
        codexSnapshot({ primary: 20, timestamp: now })
      )
    })
    return Effect.gen(function*() {
      const observed = yield* Effect.provide(observeQuota(defaultConfig, ["claude", "codex", "cursor"]), workspace)
      expect(daemon.calls.map((call) => call.method)).toEqual(["health", "readModel"])
      expect(daemon.calls[0]!.connection).toEqual({
        socketPath: "/home/dev/state/openusage/telemetry.sock",
        timeoutMs: defaultConfig.openusage.timeoutMs
      })
      expect(Either.getOrThrow(observed.answer).health.api_version).toBe("v1")
      const [claude, codex, cursor] = observed.observations.map(([, observation]) => observation)
      expect(claude).toMatchObject({ _tag: "Reading", reading: { _tag: "Known", percent: 93, metric: "usage_five_hour" } })
      expect(codex).toMatchObject({ _tag: "Reading", reading: { _tag: "Known", percent: 20 } })
      expect(cursor).toMatchObject({ _tag: "Reading", reading: { _tag: "Unknown" } })
    }).pipe(Effect.provide(daemon.layer))
  })

  it.effect("a daemon that cannot be asked makes every tool unavailable, and read-model is not tried", () => {
    const daemon = OpenUsageMemory.make({
      health: new DaemonTimeout({ socketPath: "/run/ou.sock", timeoutMs: 1500 })
    })
    return Effect.gen(function*() {
      const config = { ...defaultConfig, openusage: { ...defaultConfig.openusage, socketPath: "/run/ou.sock" } }
      const observed = yield* Effect.provide(observeQuota(config, ["claude", "codex"]), workspace)
      expect(daemon.calls.map((call) => call.method)).toEqual(["health"])
      expect(Either.isLeft(observed.answer)).toBe(true)
      for (const [, observation] of observed.observations) {
        expect(observation).toMatchObject({ _tag: "Unavailable" })
        if (observation._tag === "Unavailable") expect(observation.reason).toContain("did not answer within 1500 ms")
      }
    }).pipe(Effect.provide(daemon.layer))
  })
})
