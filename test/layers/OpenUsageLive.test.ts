import { describe, expect, it } from "@effect/vitest"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { DaemonConnection } from "../../src/domain/OpenUsage.js"
import { OpenUsageLive } from "../../src/layers/OpenUsageLive.js"
import { OpenUsage } from "../../src/services/OpenUsage.js"
import {
  claudeSnapshot,
  codexSnapshot,
  type FakeDaemonScenario,
  makeRefusedSocket,
  missingSocketPath,
  readModelOf,
  startFakeDaemon
} from "../helpers/fakeDaemon.js"

const fakeDaemon = (scenario: FakeDaemonScenario) =>
  Effect.acquireRelease(
    Effect.promise(() => startFakeDaemon(scenario)),
    (daemon) => Effect.promise(() => daemon.close())
  )

const connect = (socketPath: string, timeoutMs = 2_000): DaemonConnection => ({ socketPath, timeoutMs })

const health = (connection: DaemonConnection) =>
  Effect.flatMap(OpenUsage, (openUsage) => openUsage.health(connection)).pipe(Effect.provide(OpenUsageLive))

const readModel = (connection: DaemonConnection) =>
  Effect.flatMap(OpenUsage, (openUsage) => openUsage.readModel(connection)).pipe(Effect.provide(OpenUsageLive))

describe("OpenUsageLive", () => {
  it.scopedLive("reads health and the read model of a healthy daemon", () =>
    Effect.gen(function*() {
      const model = readModelOf(claudeSnapshot({ fiveHour: 42 }), codexSnapshot({ primary: 7 }))
      const daemon = yield* fakeDaemon({ kind: "ok", readModel: model })

      const answer = yield* health(connect(daemon.socketPath))
      expect(answer).toMatchObject({ status: "ok", daemon_version: "0.24.4", api_version: "v1" })

      const decoded = yield* readModel(connect(daemon.socketPath))
      expect(Object.keys(decoded.snapshots).sort()).toEqual(["claude-code", "codex-cli"])
      expect(decoded.snapshots["claude-code"]?.metrics["usage_five_hour"]?.used).toBe(42)

      expect(daemon.requests).toEqual([
        { method: "GET", path: "/healthz", body: "" },
        { method: "POST", path: "/v1/read-model", body: "{}" }
      ])
    }))

  it.scopedLive("a daemon without api_version counts as compatible", () =>
    Effect.gen(function*() {
      const daemon = yield* fakeDaemon({ kind: "ok", readModel: { snapshots: {} }, health: { status: "ok" } })
      expect(yield* health(connect(daemon.socketPath))).toMatchObject({ api_version: "" })
    }))

  it.scopedLive("a read model of the wrong shape is a protocol error", () =>
    Effect.gen(function*() {
      const daemon = yield* fakeDaemon({ kind: "ok", readModel: { snapshots: { x: { account_id: "x" } } } })
      const error = yield* Effect.flip(readModel(connect(daemon.socketPath)))
      expect(error._tag).toBe("DaemonProtocolError")
      expect(error.message).toContain("provider_id")
    }))

  it.scopedLive("an answer over 8 MiB is a protocol error", () =>
    Effect.gen(function*() {
      const daemon = yield* fakeDaemon({ kind: "ok", readModel: { snapshots: {}, padding: "x".repeat(9 * 1024 * 1024) } })
      const error = yield* Effect.flip(readModel(connect(daemon.socketPath)))
      expect(error._tag).toBe("DaemonProtocolError")
      expect(error.message).toContain("answered more than 8388608 bytes")
    }))

  it.live("a missing socket is DaemonUnavailable (ENOENT)", () =>
    Effect.gen(function*() {
      const socketPath = missingSocketPath()
      const error = yield* Effect.flip(health(connect(socketPath)))
      expect(error).toMatchObject({ _tag: "DaemonUnavailable", socketPath })
      expect(error.message).toContain("ENOENT")
    }))

  it.scopedLive("a socket nobody listens on is DaemonUnavailable (ECONNREFUSED)", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.acquireRelease(
        Effect.promise(() => makeRefusedSocket()),
        (socket) => Effect.promise(() => socket.close())
      )
      const error = yield* Effect.flip(readModel(connect(refused.socketPath)))
      expect(error._tag).toBe("DaemonUnavailable")
      expect(error.message).toContain("ECONNREFUSED")
    }))

  // Connecting to a regular file or a directory is refused like a dead socket; the message says what is there instead.
  it.scopedLive.each([
    { kind: "a regular file", make: (path: string) => writeFile(path, "not a socket\n") },
    { kind: "a directory", make: (path: string) => mkdir(path) }
  ])("a socket path that is $kind is DaemonUnavailable saying so", ({ kind, make }) =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "handover-not-a-socket-"))),
        (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
      )
      const socketPath = join(dir, "telemetry.sock")
      yield* Effect.promise(() => make(socketPath))
      const error = yield* Effect.flip(health(connect(socketPath)))
      expect(error).toMatchObject({ _tag: "DaemonUnavailable", socketPath })
      expect(error.message).toContain(`(that path is ${kind}, not a socket)`)
      expect(error.message).not.toContain("stale")
    }))

  it.scopedLive("a daemon that accepts and never answers times out after about timeoutMs", () =>
    Effect.gen(function*() {
      const daemon = yield* fakeDaemon("hang")
      const startedAt = Date.now()
      const error = yield* Effect.flip(readModel(connect(daemon.socketPath, 300)))
      const elapsed = Date.now() - startedAt
      expect(error).toMatchObject({ _tag: "DaemonTimeout", timeoutMs: 300 })
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(2_000)
      expect(daemon.requests).toEqual([{ method: "POST", path: "/v1/read-model", body: "{}" }])
    }))

  it.scopedLive("interrupting a pending exchange returns at once", () =>
    Effect.gen(function*() {
      const daemon = yield* fakeDaemon("hang")
      const startedAt = Date.now()
      const outcome = yield* health(connect(daemon.socketPath, 10_000)).pipe(Effect.timeoutOption(200))
      expect(outcome._tag).toBe("None")
      expect(Date.now() - startedAt).toBeLessThan(2_000)
    }))

  it.live.each<{ scenario: FakeDaemonScenario; call: "health" | "readModel"; reason: string }>([
    { scenario: "garbage", call: "health", reason: "GET /healthz answered invalid JSON" },
    { scenario: "garbage", call: "readModel", reason: "POST /v1/read-model answered invalid JSON" },
    { scenario: "status400", call: "readModel", reason: "HTTP 400 from POST /v1/read-model: invalid read-model request" },
    { scenario: "notFoundText", call: "health", reason: "HTTP 404 from GET /healthz: not an openusage daemon" },
    { scenario: "notFoundText", call: "readModel", reason: "HTTP 404 from POST /v1/read-model: not an openusage daemon" },
    { scenario: { kind: "apiVersion", version: "v9" }, call: "health", reason: 'api_version "v9" is not supported' }
  ])("$call on $scenario is a DaemonProtocolError", ({ scenario, call, reason }) =>
    Effect.gen(function*() {
      const daemon = yield* Effect.promise(() => startFakeDaemon(scenario))
      const connection = connect(daemon.socketPath)
      const exchange = call === "health" ? Effect.asVoid(health(connection)) : Effect.asVoid(readModel(connection))
      const outcome = yield* Effect.either(exchange).pipe(Effect.ensuring(Effect.promise(() => daemon.close())))
      expect(Either.isLeft(outcome)).toBe(true)
      if (Either.isLeft(outcome)) {
        expect(outcome.left._tag).toBe("DaemonProtocolError")
        expect(outcome.left.message).toContain(reason)
      }
    }))
})
