import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { UsageMetric, UsageSnapshot } from "../../src/domain/OpenUsage.js"

// A stand-in for the openusage daemon: the real protocol (shared/reference/openusage-protocol.md) over a real Unix
// socket, so that integration tests and the built CLI in child processes talk to it like to the real one.

export type FakeDaemonScenario =
  /** A healthy v1 daemon serving this read model (any JSON, so tests can also send malformed shapes). */
  | { readonly kind: "ok"; readonly readModel: unknown; readonly health?: unknown }
  /** Accepts every request and never answers. */
  | "hang"
  /** 200 with a body that is not JSON, on every path. */
  | "garbage"
  /** Healthy, but read-model answers 400 {"error":…}. */
  | "status400"
  /** 404 text/plain on every path, like some other HTTP server on the socket. */
  | "notFoundText"
  /** A daemon speaking another api_version, with no snapshots. */
  | { readonly kind: "apiVersion"; readonly version: string }
  /** Exactly these status codes and body bytes per path (other paths: 404 text), for fuzzing the client. */
  | { readonly kind: "raw"; readonly answers: Readonly<Record<string, RawAnswer>> }

export interface RawAnswer {
  /** 100 to 999, what an HTTP server can send. */
  readonly status: number
  readonly body: string | Uint8Array
  /** Announce more bytes than the body holds, then drop the connection: a daemon dying mid-answer. */
  readonly cutShort?: boolean
}

export interface FakeDaemonRequest {
  readonly method: string
  readonly path: string
  readonly body: string
}

export interface FakeDaemon {
  readonly socketPath: string
  /** Every request received so far, in order, with its full body. */
  readonly requests: ReadonlyArray<FakeDaemonRequest>
  readonly setScenario: (scenario: FakeDaemonScenario) => void
  readonly close: () => Promise<void>
}

export const defaultHealth = {
  status: "ok",
  daemon_version: "0.24.4",
  api_version: "v1",
  integration_version: "0.24.4",
  provider_registry_hash: "3f9c2a7d"
}

const sendJson = (response: ServerResponse, status: number, payload: unknown) => {
  const body = JSON.stringify(payload)
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) })
  response.end(body)
}

// Exactly what Go's http.NotFound writes.
const sendNotFound = (response: ServerResponse) => {
  const body = "404 page not found\n"
  response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) })
  response.end(body)
}

const sendRaw = (response: ServerResponse, answer: RawAnswer) => {
  const length = Buffer.byteLength(answer.body) + (answer.cutShort ? 100 : 0)
  response.writeHead(answer.status, { "Content-Type": "application/json", "Content-Length": length })
  if (answer.cutShort) response.write(answer.body, () => response.destroy())
  else response.end(answer.body)
}

const answerLikeTheDaemon = (
  health: unknown,
  readModel: unknown,
  request: FakeDaemonRequest,
  response: ServerResponse
) => {
  if (request.path === "/healthz") {
    if (request.method !== "GET") return sendJson(response, 405, { error: "method not allowed" })
    return sendJson(response, 200, health)
  }
  if (request.path === "/v1/read-model") {
    if (request.method !== "POST") return sendJson(response, 405, { error: "method not allowed" })
    if (request.body.trim() === "") return sendJson(response, 400, { error: "empty body" })
    try {
      JSON.parse(request.body)
    } catch {
      return sendJson(response, 400, { error: "invalid JSON body" })
    }
    return sendJson(response, 200, readModel)
  }
  return sendNotFound(response)
}

const answer = (scenario: FakeDaemonScenario, request: FakeDaemonRequest, response: ServerResponse) => {
  switch (scenario) {
    case "hang":
      return
    case "garbage":
      response.writeHead(200, { "Content-Type": "application/json" })
      return response.end("<html>this is not JSON</html>")
    case "status400":
      return request.path === "/v1/read-model"
        ? sendJson(response, 400, { error: "invalid read-model request" })
        : answerLikeTheDaemon(defaultHealth, {}, request, response)
    case "notFoundText":
      return sendNotFound(response)
  }
  switch (scenario.kind) {
    case "ok":
      return answerLikeTheDaemon(scenario.health ?? defaultHealth, scenario.readModel, request, response)
    case "apiVersion":
      return answerLikeTheDaemon({ ...defaultHealth, api_version: scenario.version }, { snapshots: {} }, request, response)
    case "raw": {
      const raw = Object.hasOwn(scenario.answers, request.path) ? scenario.answers[request.path] : undefined
      return raw === undefined ? sendNotFound(response) : sendRaw(response, raw)
    }
  }
}

const readBody = (incoming: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    incoming.on("error", reject)
  })

const makeSocketDirectory = () => mkdtemp(join(tmpdir(), "handover-openusage-"))

/** Serves the scenario on a fresh socket until close(); setScenario switches it for the next requests. */
export const startFakeDaemon = async (initial: FakeDaemonScenario): Promise<FakeDaemon> => {
  const directory = await makeSocketDirectory()
  const socketPath = join(directory, "telemetry.sock")
  const requests: Array<FakeDaemonRequest> = []
  let scenario = initial

  const server = createServer((incoming, response) => {
    readBody(incoming).then(
      (body) => {
        const request = { method: incoming.method ?? "", path: incoming.url ?? "", body }
        requests.push(request)
        answer(scenario, request, response)
      },
      () => response.destroy()
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(socketPath, () => resolve())
  })

  let closing: Promise<void> | undefined
  return {
    socketPath,
    requests,
    setScenario: (next) => {
      scenario = next
    },
    close: () => {
      closing ??= (async () => {
        // Hanging exchanges would otherwise keep close() waiting forever.
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await rm(directory, { recursive: true, force: true })
      })()
      return closing
    }
  }
}

/**
 * A socket file with nobody listening, as a crashed daemon leaves it: a child process listens and is SIGKILLed, so the
 * file stays and connecting gives ECONNREFUSED.
 */
export const makeRefusedSocket = async (): Promise<{ readonly socketPath: string; readonly close: () => Promise<void> }> => {
  const directory = await makeSocketDirectory()
  const socketPath = join(directory, "telemetry.sock")
  const listener = spawn(
    process.execPath,
    ["-e", "require('node:net').createServer().listen(process.argv[1], () => process.stdout.write('ready'))", socketPath],
    { stdio: ["ignore", "pipe", "inherit"] }
  )
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject)
    listener.once("exit", (code) => reject(new Error(`socket listener exited early (${code})`)))
    listener.stdout.once("data", () => resolve())
  })
  listener.removeAllListeners("exit")
  const exited = new Promise<void>((resolve) => listener.once("exit", () => resolve()))
  listener.kill("SIGKILL")
  await exited
  return { socketPath, close: () => rm(directory, { recursive: true, force: true }) }
}

/** A socket path whose directory does not exist: connecting gives ENOENT. */
export const missingSocketPath = (): string => join(tmpdir(), `handover-missing-${randomUUID()}`, "telemetry.sock")

// Snapshot builders, shaped like what openusage 0.24.4 sends for hydrated accounts.

const hydrated = { telemetry_root: "limit_snapshot" }

// Tests may pass a deliberately unparseable timestamp; default resets then count from now.
const hoursAfter = (timestamp: string, hours: number): string => {
  const from = Number.isNaN(Date.parse(timestamp)) ? Date.now() : Date.parse(timestamp)
  return new Date(from + hours * 3_600_000).toISOString().replace(".000Z", "Z")
}

const nowRfc3339 = (): string => new Date().toISOString()

const percentMetric = (used: number, window: string): UsageMetric => ({
  used,
  limit: 100,
  remaining: Math.max(0, 100 - used),
  unit: "%",
  window
})

export interface ClaudeSnapshotOptions {
  /** Used % of the 5h window; null leaves the metric out. Default 10. */
  readonly fiveHour?: number | null
  /** Used % of the 7d window; null leaves the metric out. Default 5. */
  readonly sevenDay?: number | null
  readonly sevenDaySonnet?: number
  readonly sevenDayOpus?: number
  /** Default: 3 h after the timestamp. */
  readonly fiveHourResetsAt?: string
  /** Default: 4 days after the timestamp; also used by the model variants. */
  readonly sevenDayResetsAt?: string
  /** RFC3339; default now. */
  readonly timestamp?: string
  /** Default "OK". */
  readonly status?: string
  readonly message?: string
  /** Default "claude-code". */
  readonly accountId?: string
  readonly extraMetrics?: Readonly<Record<string, UsageMetric>>
}

export const claudeSnapshot = (options: ClaudeSnapshotOptions = {}): UsageSnapshot => {
  const timestamp = options.timestamp ?? nowRfc3339()
  const fiveHourResetsAt = options.fiveHourResetsAt ?? hoursAfter(timestamp, 3)
  const sevenDayResetsAt = options.sevenDayResetsAt ?? hoursAfter(timestamp, 96)
  const metrics: Record<string, UsageMetric> = {}
  const resets: Record<string, string> = {}
  const add = (key: string, used: number | null | undefined, window: string, resetsAt: string) => {
    if (used === null || used === undefined) return
    metrics[key] = { used, limit: 100, unit: "%", window }
    resets[key] = resetsAt
  }
  add("usage_five_hour", options.fiveHour === undefined ? 10 : options.fiveHour, "5h", fiveHourResetsAt)
  add("usage_seven_day", options.sevenDay === undefined ? 5 : options.sevenDay, "7d", sevenDayResetsAt)
  add("usage_seven_day_sonnet", options.sevenDaySonnet, "7d", sevenDayResetsAt)
  add("usage_seven_day_opus", options.sevenDayOpus, "7d", sevenDayResetsAt)
  return {
    provider_id: "claude_code",
    account_id: options.accountId ?? "claude-code",
    timestamp,
    status: options.status ?? "OK",
    metrics: { ...metrics, ...options.extraMetrics },
    resets,
    attributes: hydrated,
    ...(options.message === undefined ? {} : { message: options.message })
  }
}

export interface CodexSnapshotOptions {
  /** Used % of the primary window; null leaves the metric out. Default 10. */
  readonly primary?: number | null
  /** Used % of the secondary window; null leaves the metric out. Default 5. */
  readonly secondary?: number | null
  /** Default "5h" (some plans report 7d as primary). */
  readonly primaryWindow?: string
  /** Default "7d". */
  readonly secondaryWindow?: string
  /** Default: 2 h after the timestamp. */
  readonly primaryResetsAt?: string
  /** Default: 5 days after the timestamp. */
  readonly secondaryResetsAt?: string
  readonly creditPercentUsed?: number
  /** RFC3339; default now. */
  readonly timestamp?: string
  /** Default like the daemon: LIMITED at ≥100, NEAR_LIMIT at ≥90, else OK. */
  readonly status?: string
  readonly message?: string
  /** Default "codex-cli". */
  readonly accountId?: string
  readonly extraMetrics?: Readonly<Record<string, UsageMetric>>
}

export const codexSnapshot = (options: CodexSnapshotOptions = {}): UsageSnapshot => {
  const timestamp = options.timestamp ?? nowRfc3339()
  const primary = options.primary === undefined ? 10 : options.primary
  const secondary = options.secondary === undefined ? 5 : options.secondary
  const metrics: Record<string, UsageMetric> = {}
  const resets: Record<string, string> = {}
  if (primary !== null) {
    metrics["rate_limit_primary"] = percentMetric(primary, options.primaryWindow ?? "5h")
    resets["rate_limit_primary"] = options.primaryResetsAt ?? hoursAfter(timestamp, 2)
  }
  if (secondary !== null) {
    metrics["rate_limit_secondary"] = percentMetric(secondary, options.secondaryWindow ?? "7d")
    resets["rate_limit_secondary"] = options.secondaryResetsAt ?? hoursAfter(timestamp, 120)
  }
  if (options.creditPercentUsed !== undefined) {
    metrics["codex_credit_percent_used"] = { used: options.creditPercentUsed, unit: "%", window: "30d" }
  }
  const worst = Math.max(primary ?? 0, secondary ?? 0)
  return {
    provider_id: "codex",
    account_id: options.accountId ?? "codex-cli",
    timestamp,
    status: options.status ?? (worst >= 100 ? "LIMITED" : worst >= 90 ? "NEAR_LIMIT" : "OK"),
    metrics: { ...metrics, ...options.extraMetrics },
    resets,
    attributes: hydrated,
    ...(options.message === undefined ? {} : { message: options.message })
  }
}

/** A gemini_cli snapshot: the worst bucket `quota`, its window a label relative to now, its reset under `quota_reset`. */
export const geminiSnapshot = (options: { readonly quota: number; readonly window?: string }): UsageSnapshot => {
  const timestamp = nowRfc3339()
  return {
    provider_id: "gemini_cli",
    account_id: "gemini-cli",
    timestamp,
    status: options.quota >= 100 ? "LIMITED" : options.quota > 85 ? "NEAR_LIMIT" : "OK",
    metrics: { quota: percentMetric(options.quota, options.window ?? "3h20m") },
    resets: { quota_reset: hoursAfter(timestamp, 3) },
    attributes: hydrated
  }
}

/** A copilot snapshot: `used` of `limit` premium requests this month, reset under `quota_reset`. */
export const copilotSnapshot = (options: { readonly used: number; readonly limit: number }): UsageSnapshot => {
  const timestamp = nowRfc3339()
  const remaining = Math.max(0, options.limit - options.used)
  return {
    provider_id: "copilot",
    account_id: "copilot",
    timestamp,
    status: remaining < options.limit * 0.05 ? "LIMITED" : remaining < options.limit * 0.2 ? "NEAR_LIMIT" : "OK",
    metrics: { premium_interactions_quota: { used: options.used, limit: options.limit, remaining, unit: "requests", window: "month" } },
    resets: { quota_reset: hoursAfter(timestamp, 24 * 10) },
    attributes: hydrated
  }
}

const defaultAccountByProvider: Readonly<Record<string, string>> = { claude_code: "claude-code", codex: "codex-cli" }

/** What the daemon serves for an account before its first fetch: UNKNOWN, no metrics, no telemetry_root. */
export const warmupSnapshot = (provider: string, accountId?: string): UsageSnapshot => ({
  provider_id: provider,
  account_id: accountId ?? defaultAccountByProvider[provider] ?? provider,
  timestamp: nowRfc3339(),
  status: "UNKNOWN",
  metrics: {}
})

/** A read-model answer holding these snapshots, keyed by account id as the daemon does. */
export const readModelOf = (...snapshots: ReadonlyArray<UsageSnapshot>): { snapshots: Record<string, UsageSnapshot> } => ({
  snapshots: Object.fromEntries(snapshots.map((snapshot) => [snapshot.account_id, snapshot]))
})
