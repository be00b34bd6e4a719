import { stat } from "node:fs"
import { request } from "node:http"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { daemonAnswerMaxBytes, maxTimerMs } from "../domain/Bounds.js"
import { describeConnectError } from "../domain/ConnectFailure.js"
import { DaemonProtocolError, DaemonTimeout, DaemonUnavailable, type OpenUsageError } from "../domain/errors.js"
import { compatibleApiVersions, DaemonHealth, ReadModel, type DaemonConnection } from "../domain/OpenUsage.js"
import { firstIssue } from "../domain/Text.js"
import { OpenUsage } from "../services/OpenUsage.js"

// The daemon over its Unix socket with plain node:http: hooks start this on every prompt, so nothing heavier loads.

interface Answer {
  readonly status: number
  readonly body: string
}

/** One HTTP exchange; connect, response and body together must finish within connection.timeoutMs. */
const exchange = (
  connection: DaemonConnection,
  method: "GET" | "POST",
  path: string,
  body?: string
): Effect.Effect<Answer, OpenUsageError> =>
  Effect.async<Answer, OpenUsageError>((resume) => {
    const { socketPath, timeoutMs } = connection
    const route = `${method} ${path}`
    let settled = false
    const settle = (outcome: Effect.Effect<Answer, OpenUsageError>) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      resume(outcome)
    }
    const protocolError = (reason: string) => Effect.fail(new DaemonProtocolError({ socketPath, reason }))

    const headers: Record<string, string | number> = { Accept: "application/json" }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json"
      headers["Content-Length"] = Buffer.byteLength(body)
    }
    // agent: false gives a fresh connection that closes afterwards: no pooled socket outlives the command.
    const outgoing = request({ socketPath, path, method, headers, agent: false })

    const deadline = setTimeout(() => {
      settle(Effect.fail(new DaemonTimeout({ socketPath, timeoutMs })))
      outgoing.destroy()
    }, Math.min(timeoutMs, maxTimerMs))

    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      stat(socketPath, (_, found) =>
        settle(Effect.fail(new DaemonUnavailable({ socketPath, reason: describeConnectError(error, found) }))))
    )
    outgoing.on("response", (incoming) => {
      const chunks: Array<Buffer> = []
      let received = 0
      incoming.on("data", (chunk: Buffer) => {
        received += chunk.length
        if (received > daemonAnswerMaxBytes) {
          settle(protocolError(`${route} answered more than ${daemonAnswerMaxBytes} bytes`))
          outgoing.destroy()
          return
        }
        chunks.push(chunk)
      })
      incoming.on("error", (error) => settle(protocolError(`${route} broke off mid-answer: ${error.message}`)))
      incoming.on("end", () =>
        settle(Effect.succeed({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
      )
    })
    outgoing.end(body)

    return Effect.sync(() => {
      clearTimeout(deadline)
      outgoing.destroy()
    })
  })

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (error) {
    return Either.left(error instanceof Error ? error.message : String(error))
  }
}

const excerpt = (text: string): string => {
  const line = text.trim().split("\n")[0] ?? ""
  return line.length > 120 ? `${line.slice(0, 120)}…` : line
}

const describeFailureStatus = (route: string, answer: Answer): string => {
  const json = parseJson(answer.body)
  if (Either.isRight(json)) {
    const payload = json.right
    if (typeof payload === "object" && payload !== null && typeof (payload as { error?: unknown }).error === "string") {
      return `HTTP ${answer.status} from ${route}: ${(payload as { error: string }).error}`
    }
  } else if (answer.status === 404) {
    return `HTTP 404 from ${route}: not an openusage daemon`
  }
  const text = excerpt(answer.body)
  return `HTTP ${answer.status} from ${route}${text ? `: ${text}` : ""}`
}

/** Exchange, then require a 2xx JSON answer of the given shape. */
const call = <A, I>(
  schema: Schema.Schema<A, I>,
  connection: DaemonConnection,
  method: "GET" | "POST",
  path: string,
  body?: string
): Effect.Effect<A, OpenUsageError> =>
  Effect.flatMap(exchange(connection, method, path, body), (answer) => {
    const route = `${method} ${path}`
    const fail = (reason: string) => Effect.fail(new DaemonProtocolError({ socketPath: connection.socketPath, reason }))
    if (answer.status < 200 || answer.status > 299) return fail(describeFailureStatus(route, answer))
    const json = parseJson(answer.body)
    if (Either.isLeft(json)) return fail(`${route} answered invalid JSON: ${json.left}`)
    const decoded = Schema.decodeUnknownEither(schema)(json.right)
    if (Either.isLeft(decoded)) {
      const { field, reason } = firstIssue(decoded.left)
      return fail(`${route} answered an unexpected shape${field === "" ? "" : ` at ${field}`}: ${reason}`)
    }
    return Effect.succeed(decoded.right)
  })

export const OpenUsageLive: Layer.Layer<OpenUsage> = Layer.succeed(OpenUsage, {
  health: (connection) =>
    Effect.flatMap(call(DaemonHealth, connection, "GET", "/healthz"), (health) =>
      compatibleApiVersions.includes(health.api_version)
        ? Effect.succeed(health)
        : Effect.fail(
          new DaemonProtocolError({
            socketPath: connection.socketPath,
            reason: `api_version ${JSON.stringify(health.api_version)} is not supported, expected "v1"`
          })
        )
    ),
  // {} asks for the daemon's own configured accounts; an empty body is rejected with 400.
  readModel: (connection) => call(ReadModel, connection, "POST", "/v1/read-model", "{}")
})
