import { describe, expect, it } from "vitest"
import { hookCommand } from "../../../src/domain/agents/hooks.js"
import { qwen } from "../../../src/domain/agents/qwen.js"
import { canonicalPayload, resolveHookContext } from "../../../src/domain/HookEvent.js"

describe("qwen", () => {
  it("adds Claude-shaped SessionStart, UserPromptSubmit and Stop hooks to .qwen/settings.json, timeouts in seconds", () => {
    const handler = (args: ReadonlyArray<string>, timeout: number) => ({
      type: "command",
      command: hookCommand("/opt/handover", args),
      timeout
    })
    expect(qwen.surfaces({ handoverPath: "/opt/handover", shared: true })).toEqual([{
      _tag: "JsonEntries",
      path: ".qwen/settings.json",
      entries: [
        {
          at: ["hooks", "SessionStart"],
          value: { matcher: "startup|resume|clear|compact", hooks: [handler(["session-start", "--format", "qwen"], 10)] }
        },
        { at: ["hooks", "UserPromptSubmit"], value: { hooks: [handler(["on-event", "--tool", "qwen"], 30)] } },
        { at: ["hooks", "Stop"], value: { hooks: [handler(["on-event", "--tool", "qwen"], 30)] } }
      ]
    }])
  })

  it("takes Claude-style payloads as they are and knows them by Qwen Code's transcript folder", () => {
    const payload = {
      session_id: "q-1",
      transcript_path: "/home/dev/.qwen/tmp/abc/chats/session.jsonl",
      hook_event_name: "UserPromptSubmit",
      prompt: "Fix the cart"
    }
    expect(canonicalPayload("qwen", payload)).toEqual(payload)
    expect(resolveHookContext({ payload })).toEqual({ tool: "qwen", event: "UserPromptSubmit" })
  })

  it("has no openusage quota: a target, and a source of manual captures only", () => {
    expect(qwen.quota).toBeNull()
  })
})
