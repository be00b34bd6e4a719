import type { HookPayload } from "../HookEvent.js"
import type { Agent, HookSurface } from "./Agent.js"
import { commandHooks } from "./hooks.js"

// GitHub Copilot CLI. Hooks: a file of handover's own in .github/hooks/, `{"version":1,"hooks":{…}}` with handlers
// `{"type":"command","bash":…,"timeoutSec":…}` and no groups. Payloads are camelCase and name no event (the hook
// command passes --event); a SessionStart hook reaches the model only as a top-level `{"additionalContext":…}`.

const events: HookSurface["events"] = [
  { native: "sessionStart", canonical: "SessionStart" },
  { native: "userPromptSubmitted", canonical: "UserPromptSubmit" },
  { native: "agentStop", canonical: "Stop" }
]

const hooks: HookSurface = {
  configPath: () => ".github/hooks/handover.json",
  events,
  timeoutUnit: "seconds",
  handlerFields: {},
  sessionStartOutput: "additionalContext",
  layout: "versionedFile",
  handlerKeys: { command: "bash", timeout: "timeoutSec" },
  payloadNamesEvent: false,
  recognises: (payload: HookPayload) => payload.sessionId !== undefined || payload.transcriptPath !== undefined,
  // prompt and cwd are spelt alike; the rest takes handover's snake case.
  canonicalPayload: ({ sessionId, transcriptPath, ...payload }) => ({
    ...payload,
    ...(payload.session_id === undefined && sessionId !== undefined ? { session_id: sessionId } : {}),
    ...(payload.transcript_path === undefined && transcriptPath !== undefined ? { transcript_path: transcriptPath } : {})
  })
}

export const copilot: Agent = {
  id: "copilot",
  displayName: "GitHub Copilot CLI",
  // `gh_*_rpm` and `context_window` are rates and sizes, not quota.
  quota: { provider: "copilot", exact: ["premium_interactions_quota", "chat_quota", "completions_quota"], prefixes: [] },
  detection: { binaries: ["copilot"], configDirs: [".copilot"] },
  hooks,
  transcript: null,
  launch: { program: "copilot", promptFlags: ["-i"] },
  surfaces: (options) => [commandHooks(copilot.id, hooks, options)],
  afterInstall:
    "Copilot CLI runs repository hooks in prompt mode (-p) only with GITHUB_COPILOT_PROMPT_MODE_REPO_HOOKS=true in its environment"
}
