import { describe, expect, it } from "vitest"
import { copilot } from "../../../src/domain/agents/copilot.js"
import { hookCommand } from "../../../src/domain/agents/hooks.js"
import { canonicalPayload, parseHookPayload, resolveHookContext } from "../../../src/domain/HookEvent.js"
import type { UsageSnapshot } from "../../../src/domain/OpenUsage.js"
import { readQuota } from "../../../src/domain/Quota.js"

describe("copilot surfaces", () => {
  it("own .github/hooks/handover.json: version 1, bash handlers with timeoutSec, no groups; the events passed by --event", () => {
    const [surface, ...rest] = copilot.surfaces({ handoverPath: "/opt/handover", nodePath: "/usr/bin/node", shared: false })
    expect(rest).toEqual([])
    expect(surface).toMatchObject({ _tag: "OwnedFile", path: ".github/hooks/handover.json" })
    const content = surface!._tag === "OwnedFile" ? surface!.content : ""
    const handler = (args: ReadonlyArray<string>, timeoutSec: number) => [{
      type: "command",
      bash: hookCommand("/opt/handover", args, "/usr/bin/node"),
      timeoutSec
    }]
    expect(JSON.parse(content)).toEqual({
      version: 1,
      hooks: {
        sessionStart: handler(["session-start", "--format", "copilot"], 10),
        userPromptSubmitted: handler(["on-event", "--tool", "copilot", "--event", "userPromptSubmitted"], 30),
        agentStop: handler(["on-event", "--tool", "copilot", "--event", "agentStop"], 30)
      }
    })
    expect(content.endsWith("}\n")).toBe(true)
  })

  it("say what Copilot needs before it runs repository hooks in prompt mode", () => {
    expect(copilot.afterInstall).toContain("GITHUB_COPILOT_PROMPT_MODE_REPO_HOOKS=true")
  })
})

describe("copilot hook calls", () => {
  const prompt = parseHookPayload(JSON.stringify({
    timestamp: 1764090000000,
    sessionId: "c-1",
    transcriptPath: "/home/dev/.copilot/session-state/c-1/events.jsonl",
    cwd: "/src/shop",
    prompt: "Fix the cart total"
  }))

  it("map the camelCase payload to handover's snake case", () => {
    expect(canonicalPayload("copilot", prompt)).toEqual({
      session_id: "c-1",
      transcript_path: "/home/dev/.copilot/session-state/c-1/events.jsonl",
      cwd: "/src/shop",
      prompt: "Fix the cart total"
    })
  })

  it("take the event from --event in Copilot's own names, and know a camelCase payload without --tool", () => {
    expect(resolveHookContext({ flagTool: "copilot", flagEvent: "userPromptSubmitted", payload: prompt })).toEqual({
      tool: "copilot",
      event: "UserPromptSubmit"
    })
    const stop = parseHookPayload(JSON.stringify({ sessionId: "c-1", cwd: "/src/shop", stopReason: "end_turn" }))
    expect(resolveHookContext({ flagEvent: "agentStop", payload: stop })).toEqual({ tool: "copilot", event: "Stop" })
  })
})

describe("copilot quota", () => {
  const nowMillis = Date.parse("2026-11-25T17:00:00Z")
  const snapshot = (metrics: UsageSnapshot["metrics"]): UsageSnapshot => ({
    provider_id: "copilot",
    account_id: "copilot",
    timestamp: "2026-11-25T16:59:00Z",
    status: "OK",
    metrics,
    resets: { quota_reset: "2026-12-01T00:00:00Z" },
    attributes: { telemetry_root: "limit_snapshot" }
  })
  const read = (s: UsageSnapshot) =>
    readQuota({ tool: "copilot", model: { snapshots: { [s.account_id]: s } }, nowMillis, maxStalenessMinutes: 15 })

  it("reads the worst of the premium, chat and completions quotas, never the rate limits or the context window", () => {
    expect(read(snapshot({
      premium_interactions_quota: { used: 270, limit: 300, remaining: 30, unit: "requests", window: "month" },
      chat_quota: { used: 40, unit: "%", window: "month" },
      gh_core_rpm: { used: 99, unit: "%", window: "minute" },
      context_window: { used: 98, unit: "%", window: "session" }
    }))).toMatchObject({ _tag: "Known", metric: "premium_interactions_quota", percent: 90, window: "month" })
  })

  it("takes a metric with only a used count and no limit as unknown, not as a percent", () => {
    expect(read(snapshot({ premium_interactions_quota: { used: 97, unit: "requests", window: "month" } })))
      .toMatchObject({ _tag: "Unknown" })
  })
})
