import { guidanceBlock, guidanceOnlyAgent } from "./guidance.js"

// Aider reads conventions only from files its config lists under `read:`.

export const aider = guidanceOnlyAgent({
  id: "aider",
  displayName: "Aider",
  detection: { binaries: ["aider"], configDirs: [".aider"] },
  surfaces: () => [
    guidanceBlock("CONVENTIONS.md", "aider"),
    { _tag: "YamlListItem", path: ".aider.conf.yml", key: "read", item: "CONVENTIONS.md" }
  ]
})
