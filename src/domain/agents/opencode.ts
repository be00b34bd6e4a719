import type { Agent } from "./Agent.js"
import { pluginFile } from "./plugin.js"

// OpenCode: no shell hooks, a plugin in .opencode/plugin/. openusage's opencode provider reports gateway spend only
// (with a browser cookie), not a quota: a target, and a source of manual captures only.

export const opencode: Agent = {
  id: "opencode",
  displayName: "OpenCode",
  quota: null,
  detection: { binaries: ["opencode"], configDirs: [".config/opencode"] },
  hooks: null,
  plugin: true,
  transcript: null,
  launch: { program: "opencode", promptFlags: ["--prompt"] },
  surfaces: (options) => [pluginFile(".opencode/plugin/handover.js", opencode.id, options)]
}
