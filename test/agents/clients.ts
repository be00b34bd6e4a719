import { execFileSync } from "node:child_process"
import { chmod, mkdir, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { type FakeDaemonScenario, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { cliPath, makeRepo, type Repo, run, type RunResult, type TestCleanup, writeFileIn } from "../helpers/repo.js"
import { type AgentClient, clientBinary, clientPackages, installDirOf } from "./installedClients.js"
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
  /**
   * Sets the client up as its user would have before: its user settings in the scratch HOME, pointing it at the model
   * stand-in, and for OpenCode the plugin dependency it keeps in the repository's .opencode/. runTurn does it before a
   * client's first turn; a test that compares the repository with an earlier state does it first.
   */
  readonly prepare: (client: AgentClient) => Promise<void>
  /** Runs one headless turn of the client with this prompt in the repository. */
  readonly runTurn: (client: AgentClient, prompt: string) => Promise<ClientRun>
  /** Runs `handover run <handoverArgs> -- <client> <clientArgs>`: the client started by handover, as a user would. */
  readonly runThroughHandover: (
    client: AgentClient,
    handoverArgs: ReadonlyArray<string>,
    clientArgs: ReadonlyArray<string>
  ) => Promise<ClientRun>
}

const modelApiKeyVariable = "HANDOVER_TEST_MODEL_API_KEY"

const writeJson = async (path: string, value: unknown) => {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
}

/** The model name the OpenAI-compatible clients are told to ask the stand-in for. */
const standInModel = "standin"

/** The client's settings, pointing it at the model stand-in, as the recipes in agent-surfaces.md say. */
const writeClientSettings = async (client: AgentClient, home: string, repoDir: string, modelBaseUrl: string) => {
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
    case "qwen":
      return writeJson(join(home, ".qwen", "settings.json"), {
        security: { auth: { selectedType: "openai" } },
        model: { name: standInModel }
      })
    case "copilot":
      return // everything Copilot CLI needs is in its environment
    case "opencode":
      await writeJson(join(home, ".config", "opencode", "opencode.json"), {
        provider: {
          standin: {
            npm: "@ai-sdk/openai-compatible",
            options: { baseURL: `${modelBaseUrl}/v1`, apiKey: "standin" },
            models: { [standInModel]: {} }
          }
        },
        model: `standin/${standInModel}`,
        small_model: `standin/${standInModel}`,
        autoupdate: false,
        share: "disabled"
      })
      await seedOpenCodePluginDependency(join(home, ".config", "opencode"))
      return seedOpenCodePluginDependency(join(repoDir, ".opencode"))
  }
}

/**
 * What OpenCode leaves in each of its config directories after npm-installing `@opencode-ai/plugin` there, which it
 * does at start unless the lockfile and node_modules already name it (it blocks ~70 s without the registry, ~40 s with):
 * the package's manifest is all it checks. The .gitignore, which it writes at every start, is its own, byte for byte.
 */
const seedOpenCodePluginDependency = async (configDir: string) => {
  await writeFileIn(configDir, ".gitignore", "node_modules\npackage.json\npackage-lock.json\nbun.lock\n.gitignore")
  const { version } = clientPackages.opencode
  const dependencies = { "@opencode-ai/plugin": version }
  await writeJson(join(configDir, "package.json"), { dependencies })
  await writeJson(join(configDir, "package-lock.json"), {
    name: "opencode-config",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { dependencies }, "node_modules/@opencode-ai/plugin": { version } }
  })
  await writeJson(join(configDir, "node_modules", "@opencode-ai", "plugin", "package.json"), { name: "@opencode-ai/plugin", version })
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
    case "qwen":
      return { OPENAI_API_KEY: "standin", OPENAI_BASE_URL: `${modelBaseUrl}/v1`, OPENAI_MODEL: standInModel }
    case "copilot":
      return {
        COPILOT_HOME: join(home, ".copilot"),
        // The executable unpacks itself (235 MB) into $XDG_CACHE_HOME/copilot on first run: once, next to the install.
        XDG_CACHE_HOME: join(installDirOf(clientPackages.copilot), "xdg-cache"),
        COPILOT_AUTO_UPDATE: "false",
        COPILOT_OFFLINE: "true",
        COPILOT_PROVIDER_BASE_URL: `${modelBaseUrl}/v1`,
        COPILOT_PROVIDER_API_KEY: "standin",
        COPILOT_MODEL: "gpt-4.1",
        // Without it a prompt-mode run (-p) skips the repository's hooks.
        GITHUB_COPILOT_PROMPT_MODE_REPO_HOOKS: "true"
      }
    case "opencode":
      return {
        XDG_CACHE_HOME: join(home, ".cache"),
        XDG_DATA_HOME: join(home, ".local", "share"),
        OPENCODE_DISABLE_MODELS_FETCH: "1",
        OPENCODE_DISABLE_AUTOUPDATE: "1"
      }
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
    case "qwen":
      return ["-p", prompt, "--output-format", "json"]
    case "copilot":
      return ["-p", prompt]
    case "opencode":
      // Words, not one argument: `opencode run` quotes a quoted argument again.
      return ["run", ...prompt.split(" ")]
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

  const prepared = new Set<AgentClient>()
  const prepare = async (client: AgentClient) => {
    if (prepared.has(client)) return
    await writeClientSettings(client, repo.home, repo.dir, model.baseUrl)
    prepared.add(client)
  }
  const runClient = async (client: AgentClient, argv: ReadonlyArray<string>): Promise<ClientRun> => {
    await prepare(client)
    const env = {
      ...repo.env,
      ...clientEnvironment(client, repo.home, model.baseUrl),
      OPENUSAGE_TELEMETRY_SOCKET: daemon.socketPath,
      PATH: [binDir, dirname(process.execPath), process.env["PATH"] ?? ""].join(":"),
      NO_PROXY: "127.0.0.1,localhost",
      // As a shell sets it: OpenCode takes its directory from PWD, not from the working directory.
      PWD: repo.dir
    }
    const firstRequest = model.requests.length
    const result = await run("timeout", ["--kill-after=10", String(clientRunSeconds), ...argv], { cwd: repo.dir, env })
    return { client, result, modelRequests: model.requests.slice(firstRequest) }
  }
  const runTurn = (client: AgentClient, prompt: string) =>
    runClient(client, [clientBinary(client), ...headlessArguments(client, prompt)])
  const runThroughHandover = (client: AgentClient, handoverArgs: ReadonlyArray<string>, clientArgs: ReadonlyArray<string>) =>
    runClient(client, [join(binDir, "handover"), "run", ...handoverArgs, "--", clientBinary(client), ...clientArgs])
  return { repo, prepare, runTurn, runThroughHandover }
}

const tail = (text: string, lines: number) => text.trimEnd().split("\n").slice(-lines).join("\n")

/** Throws, with the end of the client's stderr and stdout, unless the run exited 0 and reached the model. */
export const expectCompletedTurn = (turn: ClientRun): void => {
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
const qwenContext = /<qwen:session-start-context[^>]*>\s*SessionStart additional context:\n([\s\S]*?)<\/qwen:session-start-context>/g

/** The chat-completions messages of a request with this role, as text (content parts joined). */
const chatMessagesOf = (body: Record<string, unknown>, role: string): ReadonlyArray<string> =>
  arrayOf(body["messages"]).flatMap((message) => {
    const { role: messageRole, content } = recordOf(message)
    if (messageRole !== role) return []
    return [typeof content === "string" ? content : arrayOf(content).map((part) => String(recordOf(part)["text"])).join("")]
  })

/**
 * The texts a session-start hook added to this turn's model requests, where each client puts them: Claude Code as a
 * `system` message behind "SessionStart hook additional context: ", Codex as a developer message of its own (the
 * texts of all developer messages, the client's own instructions included), Gemini CLI inside `<hook_context>` in the
 * user's prompt, Qwen Code in the system prompt inside `<qwen:session-start-context>`, Copilot CLI as user messages of
 * their own ahead of the prompt (the last user message of a request), OpenCode as system messages of their own after
 * its own system prompt (the first).
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
      case "qwen":
        return chatMessagesOf(body, "system").flatMap((text) => [...text.matchAll(qwenContext)].map((match) => match[1]!.trim()))
      case "copilot":
        return chatMessagesOf(body, "user").slice(0, -1)
      case "opencode":
        return chatMessagesOf(body, "system").slice(1)
    }
  })

let handoverAdapterIds: ReadonlyArray<string> | undefined

/** Whether the built handover has an adapter for the client (`handover adapters --json` lists it). */
export const adapterExists = (client: AgentClient): boolean => {
  handoverAdapterIds ??= (JSON.parse(execFileSync(process.execPath, [cliPath, "adapters", "--json"], { encoding: "utf8" })) as {
    readonly adapters: ReadonlyArray<{ readonly id: string }>
  }).adapters.map(({ id }) => id)
  return handoverAdapterIds.includes(client)
}
