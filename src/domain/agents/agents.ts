import { guidanceBlock, guidanceOnlyAgent } from "./guidance.js"

// AGENTS.md, which many tools read (Codex, Cursor, Zed, Amp, OpenCode…): handover's block names no tool.

export const agentsMdBlock = guidanceBlock("AGENTS.md", null)

export const agents = guidanceOnlyAgent({
  id: "agents",
  displayName: "AGENTS.md",
  detection: { binaries: [], configDirs: [] },
  surfaces: () => [agentsMdBlock]
})
