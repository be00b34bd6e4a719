import { describe, expect, it } from "vitest"
import { cursor } from "../../../src/domain/agents/cursor.js"
import { guidanceText } from "../../../src/domain/agents/guidance.js"
import { hookCommand } from "../../../src/domain/agents/hooks.js"
import { canonicalPayload, parseHookPayload, resolveHookContext } from "../../../src/domain/HookEvent.js"
import type { UsageSnapshot } from "../../../src/domain/OpenUsage.js"
import { readQuota } from "../../../src/domain/Quota.js"

describe("cursor surfaces", () => {
  const [rule, hookFile, ...rest] = cursor.surfaces({ handoverPath: null, shared: false })

  it("a rule file of handover's own, always applied", () => {
    expect(rule).toMatchObject({ _tag: "OwnedFile", path: ".cursor/rules/handover.mdc" })
    const content = rule!._tag === "OwnedFile" ? rule!.content : ""
    expect(content).toContain("\nalwaysApply: true\n")
    expect(content.endsWith(guidanceText("cursor"))).toBe(true)
  })

  it("and .cursor/hooks.json of its own: version 1, sessionStart, beforeSubmitPrompt and stop, without groups", () => {
    expect(rest).toEqual([])
    expect(hookFile).toMatchObject({ _tag: "OwnedFile", path: ".cursor/hooks.json" })
    const handler = (args: ReadonlyArray<string>, timeout: number) => [
      { type: "command", command: hookCommand(null, args), timeout }
    ]
    expect(JSON.parse(hookFile!._tag === "OwnedFile" ? hookFile!.content : "")).toEqual({
      version: 1,
      hooks: {
        sessionStart: handler(["session-start", "--format", "cursor"], 10),
        beforeSubmitPrompt: handler(["on-event", "--tool", "cursor"], 30),
        stop: handler(["on-event", "--tool", "cursor"], 30)
      }
    })
  })
})

describe("cursor hook calls", () => {
  const beforeSubmit = parseHookPayload(JSON.stringify({
    conversation_id: "cur-1",
    generation_id: "gen-1",
    hook_event_name: "beforeSubmitPrompt",
    workspace_roots: ["/src/shop"],
    prompt: "Fix the cart total"
  }))

  it("map Cursor's event names and take conversation_id as the session id", () => {
    expect(resolveHookContext({ flagTool: "cursor", payload: beforeSubmit })).toEqual({
      tool: "cursor",
      event: "UserPromptSubmit"
    })
    expect(resolveHookContext({ payload: beforeSubmit })).toEqual({ tool: "cursor", event: "UserPromptSubmit" })
    expect(canonicalPayload("cursor", beforeSubmit)).toEqual({
      session_id: "cur-1",
      hook_event_name: "beforeSubmitPrompt",
      prompt: "Fix the cart total"
    })
  })

  it("count Claude Code's hooks that Cursor runs with its own payload as Cursor's, so one event makes one capture", () => {
    expect(resolveHookContext({ flagTool: "claude", payload: beforeSubmit }).tool).toBe("cursor")
    const claudePayload = { session_id: "s", hook_event_name: "Stop", transcript_path: "/home/dev/.claude/projects/p/s.jsonl" }
    expect(resolveHookContext({ flagTool: "claude", payload: claudePayload }).tool).toBe("claude")
    // Only tools whose hooks Cursor runs are taken over.
    expect(resolveHookContext({ flagTool: "gemini", payload: beforeSubmit }).tool).toBe("gemini")
  })
})

describe("cursor quota", () => {
  const snapshot: UsageSnapshot = {
    provider_id: "cursor",
    account_id: "cursor-ide",
    timestamp: "2026-11-25T16:59:00Z",
    status: "NEAR_LIMIT",
    metrics: {
      plan_percent_used: { used: 91, unit: "%", window: "billing-cycle" },
      plan_api_percent_used: { used: 96, unit: "%", window: "billing-cycle" },
      billing_cycle_progress: { used: 99, unit: "%", window: "billing-cycle" },
      composer_context_pct: { used: 100, unit: "%", window: "session" }
    },
    resets: { billing_cycle_end: "2026-12-10T00:00:00Z" },
    attributes: { telemetry_root: "limit_snapshot" }
  }

  it("reads the plan's used percent, never the cycle's progress or the context size", () => {
    const nowMillis = Date.parse("2026-11-25T17:00:00Z")
    expect(readQuota({ tool: "cursor", model: { snapshots: { c: snapshot } }, nowMillis, maxStalenessMinutes: 15 }))
      .toMatchObject({ _tag: "Known", provider: "cursor", metric: "plan_api_percent_used", percent: 96, window: "billing-cycle" })
  })
})
