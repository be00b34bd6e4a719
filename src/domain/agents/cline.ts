import { guidanceOnlyAgent, ruleFile } from "./guidance.js"

// Cline: every file in .clinerules/ applies. Its hooks run detached and their output is ignored, so they cannot tell
// a new task about a handover: guidance only.

export const cline = guidanceOnlyAgent({
  id: "cline",
  displayName: "Cline",
  detection: { binaries: ["cline"], configDirs: [".cline"] },
  surfaces: () => [ruleFile(".clinerules/handover.md", [], "cline")]
})
