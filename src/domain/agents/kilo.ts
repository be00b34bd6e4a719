import type { Agent } from "./Agent.js"
import { pluginFile } from "./plugin.js"

// Kilo CLI, OpenCode's fork: the same plugin, in .kilo/plugin/. openusage reports no quota for it.

export const kilo: Agent = {
  id: "kilo",
  displayName: "Kilo",
  quota: null,
  detection: { binaries: ["kilo"], configDirs: [".config/kilo"] },
  hooks: null,
  plugin: true,
  transcript: null,
  launch: null,
  surfaces: (options) => [pluginFile(".kilo/plugin/handover.js", kilo.id, options)]
}
