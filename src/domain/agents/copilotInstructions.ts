import { guidanceBlock, guidanceOnlyAgent } from "./guidance.js"

// GitHub Copilot's repository instructions (VS Code, github.com, the Copilot CLI).

export const copilotInstructions = guidanceOnlyAgent({
  id: "copilot-instructions",
  displayName: "GitHub Copilot instructions",
  detection: { binaries: ["copilot"], configDirs: [".copilot"] },
  surfaces: () => [guidanceBlock(".github/copilot-instructions.md", "copilot")]
})
