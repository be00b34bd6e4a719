import type { HookPayload } from "../HookEvent.js"
import { type Agent, transcriptPathOf } from "./Agent.js"
import { claudeShapedHooks } from "./claude.js"
import { commandHooks } from "./hooks.js"

// Qwen Code. Hooks: .qwen/settings.json in the Claude Code shape and events, timeouts in seconds, Claude-style
// payloads and output. openusage reports no quota for it: a target, and a source of manual captures only.

const hooks = claudeShapedHooks({
  configPath: () => ".qwen/settings.json",
  // The payload is Claude's; only where Qwen Code keeps its transcripts tells them apart.
  recognises: (payload: HookPayload) => /\/\.qwen\//.test(transcriptPathOf(payload))
})

export const qwen: Agent = {
  id: "qwen",
  displayName: "Qwen Code",
  quota: null,
  detection: { binaries: ["qwen"], configDirs: [".qwen"] },
  hooks,
  transcript: null,
  launch: { program: "qwen", promptFlags: ["-i"] },
  surfaces: (options) => [commandHooks(qwen.id, hooks, options)]
}
