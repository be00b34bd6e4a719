import { describe, expect, it } from "vitest"
import { claude } from "../../../src/domain/agents/claude.js"
import { hookCommand } from "../../../src/domain/agents/hooks.js"
import { parseHookPayload, resolveHookContext } from "../../../src/domain/HookEvent.js"

const handoverPath = "/opt/handover/bin/handover"

describe("claude surfaces", () => {
  it("adds the three hooks to .claude/settings.local.json, in Claude Code's shape, timeouts in seconds", () => {
    expect(claude.surfaces({ handoverPath, shared: false })).toEqual([{
      _tag: "JsonEntries",
      path: ".claude/settings.local.json",
      entries: [
        {
          at: ["hooks", "SessionStart"],
          value: {
            matcher: "startup|resume|clear|compact",
            hooks: [{
              type: "command",
              command: hookCommand(handoverPath, ["session-start", "--format", "claude"]),
              timeout: 10
            }]
          }
        },
        {
          at: ["hooks", "UserPromptSubmit"],
          value: {
            hooks: [{ type: "command", command: hookCommand(handoverPath, ["on-event", "--tool", "claude"]), timeout: 30 }]
          }
        },
        {
          at: ["hooks", "Stop"],
          value: {
            hooks: [{ type: "command", command: hookCommand(handoverPath, ["on-event", "--tool", "claude"]), timeout: 30 }]
          }
        }
      ]
    }])
  })

  it("writes the committed .claude/settings.json when shared", () => {
    expect(claude.surfaces({ handoverPath: null, shared: true }).map((surface) => surface.path)).toEqual([
      ".claude/settings.json"
    ])
  })
})

describe("claude payloads", () => {
  it("are recognised by where Claude Code keeps transcripts, with native event names as they are", () => {
    const payload = parseHookPayload(JSON.stringify({
      hook_event_name: "Stop",
      transcript_path: "/home/dev/.claude/projects/-home-dev-shop/7f3e.jsonl",
      last_assistant_message: "Done."
    }))
    expect(resolveHookContext({ payload })).toEqual({ tool: "claude", event: "Stop" })
  })
})
