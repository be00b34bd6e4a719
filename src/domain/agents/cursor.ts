import type { HookPayload } from "../HookEvent.js"
import type { Agent, HookSurface } from "./Agent.js"
import { ruleDescription, ruleFile } from "./guidance.js"
import { claudeHandlerKeys, commandHooks } from "./hooks.js"

// Cursor: a project rule applied to every request, and hooks in a file of handover's own, .cursor/hooks.json
// (`{"version":1,"hooks":{…}}`, handlers without groups, timeouts in seconds), from Cursor's published contract: its
// CLI is not tried here. Payloads are snake case and name their event; the session id is conversation_id. Cursor may
// also run Claude Code's hooks: such a call, known by Cursor's payload, counts as Cursor's (runsHooksOf), and the
// store lock and the trigger's memory make the two one capture.

const events: HookSurface["events"] = [
  { native: "sessionStart", canonical: "SessionStart" },
  { native: "beforeSubmitPrompt", canonical: "UserPromptSubmit" },
  { native: "stop", canonical: "Stop" }
]

const hooks: HookSurface = {
  configPath: () => ".cursor/hooks.json",
  events,
  timeoutUnit: "seconds",
  handlerFields: {},
  sessionStartOutput: "additional_context",
  layout: "versionedFile",
  handlerKeys: claudeHandlerKeys,
  payloadNamesEvent: true,
  runsHooksOf: ["claude"],
  recognises: (payload: HookPayload) =>
    payload.conversation_id !== undefined || payload.hook_event_name === "beforeSubmitPrompt",
  canonicalPayload: ({ conversation_id, ...payload }) =>
    payload.session_id === undefined && conversation_id !== undefined ? { ...payload, session_id: conversation_id } : payload
}

export const cursor: Agent = {
  id: "cursor",
  displayName: "Cursor",
  quota: {
    provider: "cursor",
    exact: ["plan_percent_used", "plan_auto_percent_used", "plan_api_percent_used"],
    prefixes: []
  },
  detection: { binaries: ["cursor", "cursor-agent"], configDirs: [".cursor"] },
  hooks,
  transcript: null,
  launch: { program: "cursor-agent", promptFlags: [] },
  surfaces: (options) => [
    ruleFile(".cursor/rules/handover.mdc", [["description", ruleDescription], ["alwaysApply", true]], "cursor"),
    commandHooks(cursor.id, hooks, options)
  ]
}
