import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import type { OpenUsageError } from "../../src/domain/errors.js"
import { compatibleApiVersions, type DaemonConnection, DaemonHealth, ReadModel } from "../../src/domain/OpenUsage.js"
import { readQuota } from "../../src/domain/Quota.js"
import { OpenUsageLive } from "../../src/layers/OpenUsageLive.js"
import { OpenUsage } from "../../src/services/OpenUsage.js"
import { type FakeDaemon, type RawAnswer, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { type Json, toJsonText } from "./arbitraries.js"
import { daemonAnswer, fuzzRuns, healthExample, readModelExample } from "./fuzzing.js"

// The openusage client against a daemon on a real Unix socket that answers fuzzed status codes and bodies: every
// exchange ends in a typed error or in exactly the value that the body decodes to, never in a defect.

let daemon: FakeDaemon
beforeAll(async () => {
  daemon = await startFakeDaemon({ kind: "raw", answers: {} })
})
afterAll(() => daemon.close())

/** What a correct client makes of an answer: the body decoded when it is a whole 2xx answer, else nothing. */
const expectedValue = <A, I>(schema: Schema.Schema<A, I>, answer: RawAnswer): Either.Either<A, "refused"> => {
  // A 204 carries no body on the wire, whatever the server wrote.
  if (answer.status < 200 || answer.status > 299 || answer.status === 204 || answer.cutShort) return Either.left("refused")
  try {
    const json: unknown = JSON.parse(Buffer.from(answer.body).toString("utf8"))
    return Either.mapLeft(Schema.decodeUnknownEither(schema)(json), () => "refused" as const)
  } catch {
    return Either.left("refused")
  }
}

/** The daemon here always answers at once, so a DaemonTimeout would mean the deadline misfired. */
const expectTypedError = (error: OpenUsageError, socketPath: string) => {
  expect(["DaemonUnavailable", "DaemonProtocolError"]).toContain(error._tag)
  expect(error.message).toContain(socketPath)
}

/** Runs one call; a defect or an interruption fails the property with its cause. */
const outcomeOf = async <A>(call: Effect.Effect<A, OpenUsageError, OpenUsage>) => {
  const exit = await Effect.runPromiseExit(Effect.either(call).pipe(Effect.provide(OpenUsageLive)))
  if (Exit.isFailure(exit)) expect.fail(`a defect instead of a typed error: ${Cause.pretty(exit.cause)}`)
  return exit.value
}

describe("OpenUsageLive against fuzzed answers", () => {
  const nowMillis = Date.now()
  // Any whole number of milliseconds is a valid openusage.timeoutMs, even past what a Node timer can hold. The
  // smallest is far above what the daemon in this process needs, so that a timeout means the deadline misfired.
  const timeoutMs = fc.oneof(
    { weight: 3, arbitrary: fc.constant(10_000) },
    { weight: 1, arbitrary: fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }) }
  )

  const freshModel = readModelExample(new Date(nowMillis).toISOString())
  const whole = (body: Json): RawAnswer => ({ status: 200, body: toJsonText(body), cutShort: false })

  it("health and read-model give a typed error, or exactly the decoded body; a daemon that answers never times out", async () => {
    await fc.assert(
      fc.asyncProperty(
        daemonAnswer(healthExample),
        daemonAnswer(freshModel),
        timeoutMs,
        async (health, readModel, timeoutMs) => {
          daemon.setScenario({ kind: "raw", answers: { "/healthz": health, "/v1/read-model": readModel } })
          const connection: DaemonConnection = { socketPath: daemon.socketPath, timeoutMs }

          const healthOutcome = await outcomeOf(Effect.flatMap(OpenUsage, (client) => client.health(connection)))
          const expectedHealth = Either.filterOrLeft(
            expectedValue(DaemonHealth, health),
            (decoded) => compatibleApiVersions.includes(decoded.api_version),
            () => "refused" as const
          )
          if (Either.isLeft(healthOutcome)) expectTypedError(healthOutcome.left, daemon.socketPath)
          expect(Either.getOrNull(healthOutcome)).toEqual(Either.getOrNull(expectedHealth))

          const modelOutcome = await outcomeOf(Effect.flatMap(OpenUsage, (client) => client.readModel(connection)))
          if (Either.isLeft(modelOutcome)) expectTypedError(modelOutcome.left, daemon.socketPath)
          expect(Either.getOrNull(modelOutcome)).toEqual(Either.getOrNull(expectedValue(ReadModel, readModel)))

          if (Either.isRight(modelOutcome)) {
            for (const tool of ["claude", "codex"]) {
              const reading = readQuota({ tool, model: modelOutcome.right, nowMillis, maxStalenessMinutes: 15 })
              if (reading._tag === "Known") expect(reading.percent >= 0 && reading.percent <= 100).toBe(true)
            }
          }
        }
      ),
      // A timeout past what a Node timer holds once fired after 1 ms.
      fuzzRuns(100, { examples: [[whole(healthExample), whole(freshModel), 2 ** 31]] })
    )
  })
})
