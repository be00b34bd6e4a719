import { agentsMdBlock } from "./agents.js"
import { guidanceOnlyAgent } from "./guidance.js"

// Zed reads the first of several rule files it finds; AGENTS.md is one of them, so it shares that block.

export const zed = guidanceOnlyAgent({
  id: "zed",
  displayName: "Zed",
  detection: { binaries: ["zed", "zeditor"], configDirs: [".config/zed"] },
  surfaces: () => [agentsMdBlock]
})
