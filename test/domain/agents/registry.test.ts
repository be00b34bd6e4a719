import { describe, expect, it } from "vitest"
import { initialPromptArgv } from "../../../src/domain/agents/Agent.js"
import { agentById, agentByProvider, allAgents, hookAgentIds } from "../../../src/domain/agents/registry.js"
import type { Surface } from "../../../src/domain/Surfaces.js"

const options = [
  { handoverPath: "/usr/local/bin/handover", shared: false },
  { handoverPath: null, shared: true }
] as const

const isRelativePath = (path: string) =>
  path !== "" && !path.startsWith("/") && !path.split("/").includes("..") && !path.includes("\\")

describe("the agent registry", () => {
  it("lists every adapter once, by the id the command line uses", () => {
    expect(allAgents.map((agent) => agent.id)).toEqual([
      "claude",
      "codex",
      "gemini",
      "qwen",
      "copilot",
      "opencode",
      "kilo",
      "agents",
      "cursor",
      "windsurf",
      "continue",
      "cline",
      "copilot-instructions",
      "aider",
      "zed"
    ])
    expect(agentById("toString")).toBeUndefined()
  })

  it("knows which tools have hooks, and which openusage provider reports whose quota", () => {
    expect(hookAgentIds).toEqual(["claude", "codex", "gemini", "qwen", "copilot", "cursor"])
    expect(agentByProvider("claude_code")?.id).toBe("claude")
    expect(agentByProvider("codex")?.id).toBe("codex")
    expect(agentByProvider("gemini_cli")?.id).toBe("gemini")
    expect(agentByProvider("copilot")?.id).toBe("copilot")
    expect(agentByProvider("cursor")?.id).toBe("cursor")
    expect(agentByProvider("qwen_cli")).toBeUndefined()
  })

  it("every adapter writes only inside the repository, and something for each choice of options", () => {
    for (const agent of allAgents) {
      for (const option of options) {
        const surfaces: ReadonlyArray<Surface> = agent.surfaces(option)
        expect(surfaces.length, agent.id).toBeGreaterThan(0)
        for (const surface of surfaces) expect(isRelativePath(surface.path), `${agent.id}: ${surface.path}`).toBe(true)
      }
    }
  })

  it("says how to start a tool on an initial prompt, where it can take one", () => {
    expect(initialPromptArgv(agentById("claude")!, "fix it")).toEqual(["claude", "fix it"])
    expect(initialPromptArgv(agentById("codex")!, "fix it")).toEqual(["codex", "fix it"])
    expect(initialPromptArgv(agentById("gemini")!, "fix it")).toEqual(["gemini", "-i", "fix it"])
    expect(initialPromptArgv(agentById("windsurf")!, "fix it")).toBeNull()
  })
})
