import { chmod, mkdir, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { type FakeDaemonScenario, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { cliPath, makeRepo, type Repo, run, type RunResult, type TestCleanup, writeFileIn } from "../helpers/repo.js"
import { type AgentClient, clientBinary } from "./installedClients.js"
import { type ModelRequest, startModelStandIn } from "./modelStandIn.js"

// The real clients run as a user runs them, in a scratch world: a repository where `handover init` has run, a
// scratch HOME holding the client's own settings, the model stand-in on 127.0.0.1 as its API, the openusage stand-in
// on a Unix socket, and a `handover` on the PATH that runs the built dist/handover.js (the hook commands call it).

/** How long one client run may take before `timeout` stops it (a turn takes a few seconds here). */
export const clientRunSeconds = 60

export interface ClientRun {
  readonly client: AgentClient
  readonly result: RunResult
  /** The model requests this run made, in order. */
  readonly modelRequests: ReadonlyArray<ModelRequest>
}

export interface AgentWorld {
  readonly repo: Repo
  /** Runs one headless turn of the client with this prompt in the repository. */
  readonly runTurn: (client: AgentClient, prompt: string) => Promise<ClientRun>
}

const modelApiKeyVariable = "HANDOVER_TEST_MODEL_API_KEY"

const writeJson = async (path: string, value: unknown) => {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
}

/** The client's user settings under the scratch HOME, pointing it at the model stand-in, as the recipes say. */
const writeUserSettings = async (client: AgentClient, home: string, repoDir: string, modelBaseUrl: string) => {
  switch (client) {
    case "claude":
      return // everything Claude Code needs is in its environment
    case "codex":
      // Project hooks (.codex/hooks.json) load only in a trusted project.
      return writeFileIn(home, ".codex/config.toml", [
        `model = "standin"`,
        `model_provider = "standin"`,
        `[model_providers.standin]`,
        `name = "standin"`,
        `base_url = "${modelBaseUrl}/v1"`,
        `wire_api = "responses"`,
        `env_key = "${modelApiKeyVariable}"`,
        `[projects."${repoDir}"]`,
        `trust_level = "trusted"`,
        ``
      ].join("\n"))
    case "gemini":
      return writeJson(join(home, ".gemini", "settings.json"), {
        security: { auth: { selectedType: "gemini-api-key" } },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false }
      })
  }
}

const clientEnvironment = (client: AgentClient, home: string, modelBaseUrl: string): Record<string, string> => {
  switch (client) {
    case "claude":
      return {
        ANTHROPIC_BASE_URL: modelBaseUrl,
        ANTHROPIC_API_KEY: "standin",
        DISABLE_TELEMETRY: "1",
        DISABLE_ERROR_REPORTING: "1",
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
      }
    case "codex":
      return { CODEX_HOME: join(home, ".codex"), [modelApiKeyVariable]: "standin" }
    case "gemini":
      // Without workspace trust a headless run exits 55; --skip-trust would silently drop the project's hooks.
      return { GEMINI_API_KEY: "standin", GOOGLE_GEMINI_BASE_URL: modelBaseUrl, GEMINI_CLI_TRUST_WORKSPACE: "true" }
  }
}

const headlessArguments = (client: AgentClient, prompt: string): ReadonlyArray<string> => {
  switch (client) {
    case "claude":
      return ["-p", prompt, "--output-format", "json"]
    case "codex":
      // Untrusted hooks are skipped silently; a user trusts them once in /hooks, a test with this flag.
      return ["exec", "--dangerously-bypass-hook-trust", prompt]
    case "gemini":
      return ["-p", prompt, "--output-format", "json"]
  }
}

/** A directory holding a `handover` that runs the project's built CLI with this node. */
const makeHandoverShim = async (base: string): Promise<string> => {
  const binDir = join(base, "bin")
  await mkdir(binDir)
  const shim = join(binDir, "handover")
  await writeFile(shim, `#!/bin/sh\nexec '${process.execPath}' '${cliPath}' "$@"\n`)
  await chmod(shim, 0o755)
  return binDir
}

/**
 * A world for one test: a repository with an uncommitted edit and no handover in it yet (`connect` enables it), the
 * openusage stand-in serving `openusage`, and the model stand-in; all of it is shut down and removed when the test
 * finishes.
 */
export const useAgentWorld = async (context: TestCleanup, openusage: FakeDaemonScenario): Promise<AgentWorld> => {
  const repo = await makeRepo({
    initial: { "src/cart.ts": "export const total = (subtotal: number) => subtotal\n", "README.md": "# shop\n" }
  })
  await repo.write("src/cart.ts", "export const total = (subtotal: number, discount: number) => subtotal - discount\n")
  context.onTestFinished(() => repo.cleanup())
  const daemon = await startFakeDaemon(openusage)
  context.onTestFinished(() => daemon.close())
  const model = await startModelStandIn()
  context.onTestFinished(() => model.close())
  const binDir = await makeHandoverShim(repo.base)

  const configured = new Set<AgentClient>()
  const runTurn = async (client: AgentClient, prompt: string): Promise<ClientRun> => {
    if (!configured.has(client)) {
      await writeUserSettings(client, repo.home, repo.dir, model.baseUrl)
      configured.add(client)
    }
    const env = {
      ...repo.env,
      ...clientEnvironment(client, repo.home, model.baseUrl),
      OPENUSAGE_TELEMETRY_SOCKET: daemon.socketPath,
      PATH: [binDir, dirname(process.execPath), process.env["PATH"] ?? ""].join(":"),
      NO_PROXY: "127.0.0.1,localhost"
    }
    const firstRequest = model.requests.length
    const result = await run(
      "timeout",
      ["--kill-after=10", String(clientRunSeconds), clientBinary(client), ...headlessArguments(client, prompt)],
      { cwd: repo.dir, env }
    )
    return { client, result, modelRequests: model.requests.slice(firstRequest) }
  }
  return { repo, runTurn }
}

const tail = (text: string, lines: number) => text.trimEnd().split("\n").slice(-lines).join("\n")

/** Throws, with the end of the client's stderr and stdout, unless the run exited 0 and reached the model. */
const expectCompletedTurn = (turn: ClientRun): void => {
  const { code, signal } = turn.result
  const problem = code === 124 || code === 137
    ? `was stopped after ${clientRunSeconds} s`
    : code !== 0
    ? `exited with ${code}${signal === null ? "" : ` (${signal})`}`
    : turn.modelRequests.length === 0
    ? "exited 0 without asking the model stand-in anything"
    : undefined
  if (problem === undefined) return
  throw new Error(
    `${turn.client} ${problem}.\n--- stderr (tail) ---\n${tail(turn.result.stderr, 30)}\n--- stdout (tail) ---\n${tail(turn.result.stdout, 10)}`
  )
}

/** One headless turn that must complete: a run that fails throws with the client's own words. */
export const completedTurn = async (world: AgentWorld, client: AgentClient, prompt: string): Promise<ClientRun> => {
  const turn = await world.runTurn(client, prompt)
  expectCompletedTurn(turn)
  return turn
}

/** Gemini CLI's hook settings running `command` on each named event (its timeouts are in milliseconds). */
export const geminiHookSettings = (commandByEvent: Readonly<Record<string, string>>) => ({
  hooks: Object.fromEntries(
    Object.entries(commandByEvent).map(([event, command]) => [
      event,
      [{ matcher: "*", hooks: [{ name: "handover", type: "command", command, timeout: 10_000 }] }]
    ])
  )
})

/**
 * Connects the client as a user does: `handover enable --adapter <client>` in the repository, which writes the client's
 * hooks (they run the handover that ran enable). Fails the test with handover's stderr when enable fails.
 */
export const connect = async (repo: Repo, client: AgentClient): Promise<void> => {
  const enabled = await repo.cli(["enable", "--adapter", client])
  if (enabled.code !== 0) throw new Error(`handover enable --adapter ${client} exited ${enabled.code}: ${enabled.stderr}`)
}

const recordOf = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const arrayOf = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

const claudeContextPrefix = "SessionStart hook additional context: "

/**
 * The texts a session-start hook added to this turn's model requests, where each client puts them: Claude Code as a
 * `system` message behind "SessionStart hook additional context: ", Codex as a developer message of its own (the
 * texts of all developer messages, the client's own instructions included), Gemini CLI inside `<hook_context>` in the
 * user's prompt.
 */
export const sessionStartContexts = (turn: ClientRun): ReadonlyArray<string> =>
  turn.modelRequests.flatMap(({ json }) => {
    const body = recordOf(json)
    switch (turn.client) {
      case "claude":
        return arrayOf(body["messages"]).flatMap((message) => {
          const { role, content } = recordOf(message)
          return role === "system" && typeof content === "string" && content.startsWith(claudeContextPrefix)
            ? [content.slice(claudeContextPrefix.length)]
            : []
        })
      case "codex":
        return arrayOf(body["input"]).flatMap((item) => {
          const { role, content } = recordOf(item)
          return role === "developer" ? arrayOf(content).map((part) => String(recordOf(part)["text"])) : []
        })
      case "gemini":
        return arrayOf(body["contents"]).flatMap((content) =>
          arrayOf(recordOf(content)["parts"]).flatMap((part) =>
            [...String(recordOf(part)["text"]).matchAll(/<hook_context>([\s\S]*?)<\/hook_context>/g)].map((match) => match[1]!.trim())
          )
        )
    }
  })
