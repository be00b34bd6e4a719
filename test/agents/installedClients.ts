import { existsSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"

// Which real clients the agent tests drive, pinned, and where they are installed: a cache outside the project (they
// weigh 100–400 MB each), one directory per package and version, so that every later run reuses the install.

export type AgentClient = "claude" | "codex" | "gemini" | "qwen" | "copilot" | "opencode"

export interface ClientPackage {
  readonly name: string
  readonly version: string
  /** The executable the package puts in node_modules/.bin. */
  readonly bin: string
}

export const clientPackages: Readonly<Record<AgentClient, ClientPackage>> = {
  claude: { name: "@anthropic-ai/claude-code", version: "2.1.197", bin: "claude" },
  codex: { name: "@openai/codex", version: "0.169.0", bin: "codex" },
  gemini: { name: "@google/gemini-cli", version: "0.61.0", bin: "gemini" },
  qwen: { name: "@qwen-code/qwen-code", version: "0.24.4", bin: "qwen" },
  copilot: { name: "@github/copilot", version: "1.0.102", bin: "copilot" },
  opencode: { name: "opencode-ai", version: "1.18.33", bin: "opencode" }
}

export const agentsCacheRoot = (): string =>
  join(process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "handover-agents")

/** `<cache>/@scope+name@version`: one install per pinned version. */
export const installDirOf = (pkg: ClientPackage): string =>
  join(agentsCacheRoot(), `${pkg.name.replace("/", "+")}@${pkg.version}`)

export const binaryPathOf = (pkg: ClientPackage): string => join(installDirOf(pkg), "node_modules", ".bin", pkg.bin)

/** The client's executable; throws with what to do when the global setup has not installed it. */
export const clientBinary = (client: AgentClient): string => {
  const pkg = clientPackages[client]
  const binary = binaryPathOf(pkg)
  if (!existsSync(binary)) {
    throw new Error(`${pkg.name}@${pkg.version} is not installed at ${installDirOf(pkg)}: run the tests with npm run test:agents`)
  }
  return binary
}
