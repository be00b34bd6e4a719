import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import {
  inferToolFromPayload,
  normalizeHookEventName,
  parseHookPayload,
  resolveHookContext
} from "../../src/domain/HookEvent.js"

const hookFixture = (name: string) => readFileSync(new URL(`../fixtures/hooks/${name}.json`, import.meta.url), "utf8")

const claudeTranscript = "/home/dev/.claude/projects/-home-dev-shop/7f3e9a10-2c4b-4d8e-9f01-5a6b7c8d9e0f.jsonl"
const codexTranscript =
  "/home/dev/.codex/sessions/2025/10/20/rollout-2025-10-20T14-03-11-0199f2a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6.jsonl"
const codexTurn = "0199f2a4-6a10-7b20-8c30-d4e5f6a7b8c9"

describe("HookEvent", () => {
  describe("parseHookPayload", () => {
    it("parses the Claude fixtures", () => {
      const common = {
        session_id: "7f3e9a10-2c4b-4d8e-9f01-5a6b7c8d9e0f",
        transcript_path: claudeTranscript,
        cwd: "/home/dev/shop",
        permission_mode: "default"
      }
      expect(parseHookPayload(hookFixture("claude-SessionStart"))).toEqual({
        ...common,
        hook_event_name: "SessionStart",
        source: "startup",
        model: "claude-sonnet-4-5-20250929"
      })
      expect(parseHookPayload(hookFixture("claude-UserPromptSubmit"))).toEqual({
        ...common,
        hook_event_name: "UserPromptSubmit",
        prompt: "The cart total ignores discounts. Fix it and run the tests."
      })
      expect(parseHookPayload(hookFixture("claude-Stop"))).toEqual({
        ...common,
        hook_event_name: "Stop",
        stop_hook_active: false,
        last_assistant_message:
          "The edit is in, but the cart test still fails (expected 90, got 100). Fix the discount loader next?"
      })
    })

    it("parses the Codex fixtures", () => {
      const common = {
        session_id: "0199f2a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6",
        transcript_path: codexTranscript,
        cwd: "/home/dev/shop",
        model: "gpt-5-codex",
        permission_mode: "default"
      }
      expect(parseHookPayload(hookFixture("codex-SessionStart"))).toEqual({
        ...common,
        hook_event_name: "SessionStart",
        source: "startup"
      })
      expect(parseHookPayload(hookFixture("codex-UserPromptSubmit"))).toEqual({
        ...common,
        hook_event_name: "UserPromptSubmit",
        turn_id: codexTurn,
        prompt: "The cart total ignores discounts. Fix it and run the tests."
      })
      expect(parseHookPayload(hookFixture("codex-Stop"))).toEqual({
        ...common,
        hook_event_name: "Stop",
        turn_id: codexTurn,
        stop_hook_active: false,
        last_assistant_message:
          "Cart total now subtracts the discount; added src/discount.ts. Tests were failing before the change."
      })
    })

    it("keeps a null transcript_path (Codex --ephemeral)", () => {
      expect(parseHookPayload('{"hook_event_name":"Stop","transcript_path":null}')).toEqual({
        hook_event_name: "Stop",
        transcript_path: null
      })
    })

    it("ignores unknown fields and drops wrong-typed ones without losing the rest", () => {
      const payload = parseHookPayload(
        JSON.stringify({
          session_id: "s-1",
          hook_event_name: "Stop",
          tool_name: "Bash",
          tool_input: { command: "ls" },
          stop_hook_active: "yes",
          cwd: 42,
          transcript_path: ["/a"],
          last_assistant_message: null
        })
      )
      expect(payload).toEqual({ session_id: "s-1", hook_event_name: "Stop" })
    })

    it.each(["", "   \n\t "])("treats blank stdin %j as an empty payload", (stdin) => {
      expect(parseHookPayload(stdin)).toEqual({})
    })

    it.each([
      ["non-JSON", "hello from a terminal"],
      ["truncated JSON", '{"session_id":"s-1",'],
      ["a JSON array", '[{"session_id":"s-1"}]'],
      ["a JSON string", '"Stop"'],
      ["JSON null", "null"]
    ])("marks %s stdin as malformed", (_, stdin) => {
      expect(parseHookPayload(stdin)).toEqual({ malformed: true })
    })
  })

  describe("resolveHookContext", () => {
    it("takes tool and event from the flags first", () => {
      const payload = parseHookPayload(hookFixture("codex-Stop"))
      expect(resolveHookContext({ flagTool: "Claude", flagEvent: "userpromptsubmit", payload })).toEqual({
        tool: "claude",
        event: "UserPromptSubmit"
      })
    })

    it("falls back to the payload when flags are absent or blank", () => {
      expect(resolveHookContext({ payload: parseHookPayload(hookFixture("claude-Stop")) })).toEqual({
        tool: "claude",
        event: "Stop"
      })
      expect(
        resolveHookContext({
          flagTool: " ",
          flagEvent: "",
          payload: parseHookPayload(hookFixture("codex-SessionStart"))
        })
      ).toEqual({ tool: "codex", event: "SessionStart" })
      expect(resolveHookContext({ flagTool: undefined, payload: {} })).toEqual({ tool: null, event: null })
    })

    it("infers every fixture's tool", () => {
      for (const event of ["SessionStart", "UserPromptSubmit", "Stop"]) {
        for (const tool of ["claude", "codex"]) {
          const payload = parseHookPayload(hookFixture(`${tool}-${event}`))
          expect(resolveHookContext({ payload })).toEqual({ tool, event })
        }
      }
    })

    it("infers the tool only when the payload is unambiguous", () => {
      expect(inferToolFromPayload({ turn_id: "t-1" })).toBe("codex")
      expect(inferToolFromPayload({ turn_id: "t-1", transcript_path: null })).toBe("codex")
      expect(inferToolFromPayload({ transcript_path: codexTranscript })).toBe("codex")
      expect(inferToolFromPayload({ transcript_path: claudeTranscript })).toBe("claude")
      expect(
        inferToolFromPayload({ transcript_path: "C:\\Users\\dev\\.claude\\projects\\C--shop\\7f3e.jsonl" })
      ).toBe("claude")
      expect(inferToolFromPayload({ transcript_path: "/home/dev/.config/claude/projects/-x/7f3e.jsonl" })).toBe(
        "claude"
      )
      // Conflicting or missing signals.
      expect(inferToolFromPayload({ turn_id: "t-1", transcript_path: claudeTranscript })).toBeNull()
      expect(inferToolFromPayload({ transcript_path: "/home/dev/.claude/projects/-x/notes.txt" })).toBeNull()
      expect(inferToolFromPayload({ transcript_path: "/home/dev/sessions/log.jsonl" })).toBeNull()
      expect(inferToolFromPayload({ transcript_path: "/tmp/rollout-1.jsonl" })).toBeNull()
      expect(inferToolFromPayload({ session_id: "s", hook_event_name: "Stop" })).toBeNull()
      expect(inferToolFromPayload({ malformed: true })).toBeNull()
    })

    it("normalises known event names and keeps others", () => {
      expect(normalizeHookEventName("stop")).toBe("Stop")
      expect(normalizeHookEventName("sessionStart")).toBe("SessionStart")
      expect(normalizeHookEventName("user_prompt_submit")).toBe("UserPromptSubmit")
      expect(normalizeHookEventName(" STOP ")).toBe("Stop")
      expect(normalizeHookEventName("PreToolUse")).toBe("PreToolUse")
      expect(normalizeHookEventName("beforeSubmitPrompt")).toBe("beforeSubmitPrompt")
      expect(
        resolveHookContext({ payload: parseHookPayload('{"hook_event_name":"SubagentStop","turn_id":"t"}') })
      ).toEqual({ tool: "codex", event: "SubagentStop" })
    })
  })
})
