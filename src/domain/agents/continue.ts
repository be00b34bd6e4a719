import { guidanceOnlyAgent, ruleDescription, ruleFile } from "./guidance.js"

// Continue: a workspace rule applied to every request.

export const continueAgent = guidanceOnlyAgent({
  id: "continue",
  displayName: "Continue",
  detection: { binaries: ["cn"], configDirs: [".continue"] },
  surfaces: () => [
    ruleFile(
      ".continue/rules/handover.md",
      [["name", "Handover"], ["description", ruleDescription], ["alwaysApply", true]],
      "continue"
    )
  ]
})
