import { guidanceOnlyAgent, ruleFile } from "./guidance.js"

// Windsurf: a workspace rule that is always on.

export const windsurf = guidanceOnlyAgent({
  id: "windsurf",
  displayName: "Windsurf",
  detection: { binaries: ["windsurf"], configDirs: [".codeium/windsurf"] },
  surfaces: () => [ruleFile(".windsurf/rules/handover.md", [["trigger", "always_on"]], "windsurf")]
})
