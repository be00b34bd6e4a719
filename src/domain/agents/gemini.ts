import type { HookPayload } from "../HookEvent.js"
import type { Agent, HookSurface } from "./Agent.js"
import { claudeHandlerKeys, commandHooks } from "./hooks.js"

// Gemini CLI. Hooks: .gemini/settings.json, timeouts in milliseconds, stdout JSON only (plain text is only shown to
// the user, and other text breaks the hook). BeforeAgent fires on a submitted prompt, AfterAgent when a turn ends.

const events: HookSurface["events"] = [
  { native: "SessionStart", canonical: "SessionStart", matcher: "*" },
  { native: "BeforeAgent", canonical: "UserPromptSubmit", matcher: "*" },
  { native: "AfterAgent", canonical: "Stop", matcher: "*" }
]

/**
 * Gemini CLI puts a SessionStart hook's context in front of the prompt it hands to BeforeAgent, as
 * `<hook_context>…</hook_context>`: that is handover's own text, not what the person asked.
 */
const withoutHookContext = (prompt: string): string => prompt.replace(/^\s*<hook_context>[\s\S]*?<\/hook_context>\s*/, "")

/** Event names no other tool uses. */
const ownEvents = new Set(["BeforeAgent", "AfterAgent"])

const hooks: HookSurface = {
  configPath: () => ".gemini/settings.json",
  events,
  timeoutUnit: "milliseconds",
  handlerFields: { name: "handover" },
  sessionStartOutput: "hookSpecificOutput",
  layout: "settingsGroups",
  handlerKeys: claudeHandlerKeys,
  payloadNamesEvent: true,
  recognises: (payload: HookPayload) =>
    payload.prompt_response !== undefined || ownEvents.has(payload.hook_event_name ?? ""),
  // AfterAgent carries the turn's final reply as prompt_response.
  canonicalPayload: ({ prompt_response, ...payload }) => {
    const own = payload.prompt === undefined ? payload : { ...payload, prompt: withoutHookContext(payload.prompt) }
    return prompt_response === undefined || own.last_assistant_message !== undefined
      ? own
      : { ...own, last_assistant_message: prompt_response }
  }
}

export const gemini: Agent = {
  id: "gemini",
  displayName: "Gemini CLI",
  // Only the aggregate buckets: `quota` is the worst of all models (so the per-model `quota_model_*` detail adds
  // nothing), and `quota_models_*` are counts. The window label is relative ("3h20m") and changes on every poll; the
  // trigger tells windows apart by their reset time only.
  quota: { provider: "gemini_cli", exact: ["quota", "quota_pro", "quota_flash"], prefixes: [] },
  detection: { binaries: ["gemini"], configDirs: [".gemini"] },
  hooks,
  transcript: null,
  launch: { program: "gemini", promptFlags: ["-i"] },
  surfaces: (options) => [commandHooks(gemini.id, hooks, options)],
  afterInstall: "Gemini CLI loads project hooks only in a trusted folder: trust this folder when gemini asks (or in /permissions)"
}
