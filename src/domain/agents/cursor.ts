import { guidanceOnlyAgent, ruleDescription, ruleFile } from "./guidance.js"

// Cursor: a project rule applied to every request.

export const cursor = guidanceOnlyAgent({
  id: "cursor",
  displayName: "Cursor",
  detection: { binaries: ["cursor", "cursor-agent"], configDirs: [".cursor"] },
  launch: { program: "cursor-agent", promptFlags: [] },
  surfaces: () => [
    ruleFile(".cursor/rules/handover.mdc", [["description", ruleDescription], ["alwaysApply", true]], "cursor")
  ]
})
