import { describe, expect, it } from "vitest"
import { gemini } from "../../../src/domain/agents/gemini.js"
import { hookCommand } from "../../../src/domain/agents/hooks.js"
import { defaultConfig } from "../../../src/domain/Config.js"
import { canonicalPayload, parseHookPayload, resolveHookContext } from "../../../src/domain/HookEvent.js"
import type { UsageSnapshot } from "../../../src/domain/OpenUsage.js"
import { type KnownQuota, readQuota } from "../../../src/domain/Quota.js"
import { afterCapture, armedTool, decideTrigger } from "../../../src/domain/Trigger.js"

describe("gemini surfaces", () => {
  it("adds SessionStart, BeforeAgent and AfterAgent hooks to .gemini/settings.json, timeouts in milliseconds", () => {
    const handler = (args: ReadonlyArray<string>, timeout: number) => ({
      matcher: "*",
      hooks: [{ name: "handover", type: "command", command: hookCommand(null, args), timeout }]
    })
    expect(gemini.surfaces({ handoverPath: null, shared: false })).toEqual([{
      _tag: "JsonEntries",
      path: ".gemini/settings.json",
      entries: [
        { at: ["hooks", "SessionStart"], value: handler(["session-start", "--format", "gemini"], 10_000) },
        { at: ["hooks", "BeforeAgent"], value: handler(["on-event", "--tool", "gemini"], 30_000) },
        { at: ["hooks", "AfterAgent"], value: handler(["on-event", "--tool", "gemini"], 30_000) }
      ]
    }])
  })
})

describe("gemini hook calls", () => {
  const afterAgent = parseHookPayload(JSON.stringify({
    session_id: "g-1",
    transcript_path: "/home/dev/.gemini/tmp/abc/chats/session-1.json",
    cwd: "/src/shop",
    hook_event_name: "AfterAgent",
    timestamp: "2026-11-25T17:00:00Z",
    prompt: "Fix the cart total",
    prompt_response: "I changed total() and the cart tests pass.",
    stop_hook_active: false
  }))

  it("map BeforeAgent to UserPromptSubmit and AfterAgent to Stop under --tool gemini", () => {
    expect(resolveHookContext({ flagTool: "gemini", flagEvent: "BeforeAgent", payload: {} })).toEqual({
      tool: "gemini",
      event: "UserPromptSubmit"
    })
    expect(resolveHookContext({ flagTool: "gemini", payload: afterAgent })).toEqual({ tool: "gemini", event: "Stop" })
  })

  it("are recognised without --tool by Gemini's own event names", () => {
    expect(resolveHookContext({ payload: afterAgent })).toEqual({ tool: "gemini", event: "Stop" })
    expect(resolveHookContext({ payload: { hook_event_name: "BeforeAgent", prompt: "hi" } })).toEqual({
      tool: "gemini",
      event: "UserPromptSubmit"
    })
  })

  it("take AfterAgent's prompt_response as the last assistant message", () => {
    expect(canonicalPayload("gemini", afterAgent)).toMatchObject({
      prompt: "Fix the cart total",
      last_assistant_message: "I changed total() and the cart tests pass."
    })
  })

  it("take the session-start context Gemini CLI puts before the prompt out of the prompt", () => {
    const prompt = "<hook_context>A handover is pending in this repository: …</hook_context>\n\nGo on with the cart"
    expect(canonicalPayload("gemini", { hook_event_name: "BeforeAgent", prompt }).prompt).toBe("Go on with the cart")
    expect(canonicalPayload("gemini", { hook_event_name: "BeforeAgent", prompt: "Fix <hook_context>" }).prompt).toBe(
      "Fix <hook_context>"
    )
  })

  it("leave other tools' names alone: AfterAgent means nothing to Claude Code", () => {
    expect(resolveHookContext({ flagTool: "claude", flagEvent: "AfterAgent", payload: {} }).event).toBe("AfterAgent")
  })
})

describe("gemini quota", () => {
  const nowMillis = Date.parse("2026-11-25T17:00:00Z")
  const resetsAt = "2026-11-25T20:20:00Z"
  /** gemini_cli labels its window relative to the poll: the label changes, the reset time does not. */
  const snapshot = (used: number, window: string, reset = resetsAt): UsageSnapshot => ({
    provider_id: "gemini_cli",
    account_id: "gemini-cli",
    timestamp: "2026-11-25T16:59:00Z",
    status: "OK",
    metrics: {
      quota: { used, limit: 100, remaining: 100 - used, unit: "%", window },
      quota_models_low: { used: 3, unit: "%", window },
      cache_efficiency: { used: 99, unit: "%", window }
    },
    resets: { quota_reset: reset },
    attributes: { telemetry_root: "limit_snapshot" }
  })
  const read = (s: UsageSnapshot) =>
    readQuota({ tool: "gemini", model: { snapshots: { [s.account_id]: s } }, nowMillis, maxStalenessMinutes: 15 })

  it("reads the quota bucket and its _reset key, never the counts or ratios", () => {
    expect(read(snapshot(93, "3h20m"))).toMatchObject({
      _tag: "Known",
      provider: "gemini_cli",
      metric: "quota",
      percent: 93,
      window: "3h20m",
      resetsAt
    })
  })

  it("captures once per window although the window's label changes on every poll", () => {
    const decide = (reading: KnownQuota, memory = armedTool) =>
      decideTrigger({
        tool: "gemini",
        event: "Stop",
        observation: { _tag: "Reading", reading },
        memory,
        config: defaultConfig,
        nowMillis
      })
    const first = decide(read(snapshot(93, "3h20m")) as KnownQuota)
    expect(first._tag).toBe("Capture")
    if (first._tag !== "Capture") return
    const memory = afterCapture(first, "20261125T170000Z-abcd", "2026-11-25T17:00:00Z")
    expect(decide(read(snapshot(95, "3h10m")) as KnownQuota, memory)).toMatchObject({ _tag: "Skip", memory: { armed: false } })
    // A new period (another reset time) is another window.
    expect(decide(read(snapshot(95, "23h", "2026-11-26T17:00:00Z")) as KnownQuota, memory)._tag).toBe("Capture")
  })
})
