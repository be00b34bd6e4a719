import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { detectTranscriptFormat, digestTranscript } from "../../src/domain/Transcript.js"

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")
const claudeFixture = fixture("claude-transcript.jsonl")
const codexFixture = fixture("codex-rollout.jsonl")

const jsonl = (...lines: ReadonlyArray<unknown>) => lines.map((line) => JSON.stringify(line)).join("\n") + "\n"
const fixtureLines = (text: string) => text.trimEnd().split("\n")

const request = "The cart total ignores discounts. Fix it and run the tests."

// Builders for Claude and Codex lines, with only the fields the digest reads plus enough to look real.
let uuid = 0
const claudeUser = (content: unknown, extra: Record<string, unknown> = {}) => ({
  parentUuid: null,
  isSidechain: false,
  type: "user",
  message: { role: "user", content },
  uuid: `u-${++uuid}`,
  sessionId: "s-1",
  timestamp: "2025-11-04T09:12:01.000Z",
  ...extra
})
const claudeAssistant = (id: string, content: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
  parentUuid: null,
  isSidechain: false,
  type: "assistant",
  message: { id, type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content },
  uuid: `a-${++uuid}`,
  sessionId: "s-1",
  timestamp: "2025-11-04T09:12:02.000Z",
  ...extra
})
const toolUse = (id: string, name: string, input: Record<string, unknown>) => ({ type: "tool_use", id, name, input })
const toolResult = (id: string, content: unknown, isError?: boolean) => ({
  type: "tool_result",
  tool_use_id: id,
  content,
  ...(isError === undefined ? {} : { is_error: isError })
})
const text = (value: string) => ({ type: "text", text: value })

const codexLine = (type: string, payload: Record<string, unknown>) => ({
  timestamp: "2025-10-20T14:03:25.103Z",
  type,
  payload
})
const codexUser = (value: string) =>
  codexLine("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: value }] })
const codexAssistant = (value: string, phase?: string) =>
  codexLine("response_item", {
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text: value }],
    ...(phase === undefined ? {} : { phase })
  })
const codexEvent = (payload: Record<string, unknown>) => codexLine("event_msg", payload)
const functionCall = (callId: string, name: string, args: unknown) =>
  codexLine("response_item", {
    type: "function_call",
    name,
    arguments: typeof args === "string" ? args : JSON.stringify(args),
    call_id: callId
  })
const functionOutput = (callId: string, output: unknown) =>
  codexLine("response_item", { type: "function_call_output", call_id: callId, output })

describe("Transcript", () => {
  describe("fixtures (reference section 3)", () => {
    it("digests the Claude fixture", () => {
      expect(digestTranscript(claudeFixture)).toEqual({
        format: "claude",
        requests: [request],
        lastAssistant:
          "The edit is in, but the cart test still fails (expected 90, got 100). Fix the discount loader next?",
        filesEdited: ["/home/dev/shop/src/cart.ts"],
        commands: [{ command: "npm test -- cart", exitCode: 1 }]
      })
    })

    it("digests the Codex fixture", () => {
      expect(digestTranscript(codexFixture)).toEqual({
        format: "codex",
        requests: [request],
        lastAssistant:
          "Cart total now subtracts the discount; added src/discount.ts. Tests were failing before the change.",
        filesEdited: ["src/cart.ts", "src/discount.ts"],
        commands: [{ command: "npm test -- cart", exitCode: 1 }]
      })
    })

    it("detects both formats", () => {
      expect(detectTranscriptFormat(claudeFixture)).toBe("claude")
      expect(detectTranscriptFormat(codexFixture)).toBe("codex")
    })

    it("counts a Codex request mirrored by an event_msg user_message once", () => {
      const lines = fixtureLines(codexFixture)
      const mirror = `{"timestamp":"2025-10-20T14:03:25.104Z","type":"event_msg","payload":{"type":"user_message","message":"${request}","images":[]}}`
      const mirrored = [...lines.slice(0, 4), mirror, ...lines.slice(4)].join("\n") + "\n"
      expect(digestTranscript(mirrored).requests).toEqual([request])
    })
  })

  describe("tails of large files", () => {
    it("skips a first line that starts mid-line", () => {
      const lines = fixtureLines(codexFixture)
      const cut = lines[1]!.slice(57) // inside the injected environment_context line
      const tail = [cut, ...lines.slice(2)].join("\n") + "\n"
      expect(digestTranscript(tail)).toEqual(digestTranscript(codexFixture))

      const claudeTail = claudeFixture.slice(claudeFixture.indexOf("\n") + 80) // mid user request line
      const digest = digestTranscript(claudeTail)
      expect(digest.format).toBe("claude")
      expect(digest.requests).toEqual([])
      expect(digest.commands).toEqual([{ command: "npm test -- cart", exitCode: 1 }])
    })

    it("drops an unterminated last line", () => {
      const partial = JSON.stringify(claudeUser("A new request still being written")).slice(0, 120)
      expect(digestTranscript(claudeFixture + partial)).toEqual(digestTranscript(claudeFixture))
      // Only lines that end in a newline count, even when the fragment happens to be complete.
      const complete = JSON.stringify(claudeUser("Complete but not yet terminated"))
      expect(digestTranscript(claudeFixture + complete).requests).toEqual([request])
    })

    it("skips oversized and garbage lines", () => {
      const lines = fixtureLines(codexFixture)
      const huge = JSON.stringify(codexLine("session_meta", { base_instructions: { text: "x".repeat(2_000_000) } }))
      const garbage = ["\u0000\u0001 not json", "[1,2,3]", '{"type":"response_item","payload":', "null", "42", ""]
      const noisy = [lines[0]!, huge, ...garbage, ...lines.slice(1)].join("\n") + "\n"
      expect(digestTranscript(noisy)).toEqual(digestTranscript(codexFixture))
      expect(digestTranscript(`${"{".repeat(100_000)}\n${claudeFixture}`)).toEqual(digestTranscript(claudeFixture))
    })

    it("accepts CRLF line endings", () => {
      expect(digestTranscript(claudeFixture.replace(/\n/g, "\r\n"))).toEqual(digestTranscript(claudeFixture))
    })
  })

  describe("bounds", () => {
    const many = () => {
      const lines: Array<unknown> = []
      for (let i = 1; i <= 12; i++) lines.push(claudeUser(`request ${i}`))
      for (let i = 1; i <= 40; i++) {
        lines.push(claudeAssistant(`msg_e${i}`, [toolUse(`toolu_e${i}`, "Edit", { file_path: `/repo/f${i}.ts` })]))
        lines.push(claudeUser([toolResult(`toolu_e${i}`, "updated")]))
      }
      for (let i = 1; i <= 15; i++) {
        lines.push(claudeAssistant(`msg_b${i}`, [toolUse(`toolu_b${i}`, "Bash", { command: `echo ${i}\n  && true` })]))
        lines.push(claudeUser([toolResult(`toolu_b${i}`, `${i}`)]))
      }
      lines.push(claudeUser("y".repeat(2_000)))
      lines.push(claudeAssistant("msg_last", [text("z".repeat(2_000))]))
      return jsonl(...lines)
    }

    it("keeps at most 5 requests, 30 files, 10 commands, 500 chars each by default", () => {
      const digest = digestTranscript(many())
      expect(digest.requests).toHaveLength(5)
      expect(digest.requests.slice(0, 4)).toEqual(["request 9", "request 10", "request 11", "request 12"])
      expect(digest.requests[4]).toBe(`${"y".repeat(499)}…`)
      expect(digest.lastAssistant).toBe(`${"z".repeat(499)}…`)
      expect(digest.filesEdited).toHaveLength(30)
      expect(digest.filesEdited[0]).toBe("/repo/f11.ts")
      expect(digest.filesEdited[29]).toBe("/repo/f40.ts")
      expect(digest.commands).toHaveLength(10)
      expect(digest.commands[0]).toEqual({ command: "echo 6 && true", exitCode: 0 })
      expect(digest.commands[9]).toEqual({ command: "echo 15 && true", exitCode: 0 })
    })

    it("honours explicit limits", () => {
      const digest = digestTranscript(many(), { maxRequests: 1, maxFiles: 2, maxCommands: 0, maxChars: 10 })
      expect(digest.requests).toEqual([`${"y".repeat(9)}…`])
      expect(digest.filesEdited).toEqual(["/repo/f39…", "/repo/f40…"])
      expect(digest.commands).toEqual([])
      expect(digest.lastAssistant).toBe(`${"z".repeat(9)}…`)
    })

    it("does not split a surrogate pair when truncating", () => {
      const digest = digestTranscript(jsonl(claudeUser("ab😀cdef")), { maxChars: 4 })
      expect(digest.requests).toEqual(["ab…"])
    })
  })

  describe("unknown input", () => {
    it.each([
      ["empty text", ""],
      ["plain text", "hello\nworld\n"],
      ["unrelated JSON lines", jsonl({ level: "info", msg: "started" }, { level: "warn", msg: "slow" })]
    ])("reports %s as unknown with an empty digest", (_, input) => {
      expect(detectTranscriptFormat(input)).toBe("unknown")
      expect(digestTranscript(input)).toEqual({
        format: "unknown",
        requests: [],
        lastAssistant: null,
        filesEdited: [],
        commands: []
      })
    })
  })

  describe("Claude rules", () => {
    it("keeps only real requests", () => {
      const digest = digestTranscript(
        jsonl(
          claudeUser("first real request"),
          claudeUser("meta caveat", { isMeta: true }),
          claudeUser("subagent prompt", { isSidechain: true }),
          claudeUser("This session is being continued from a previous conversation…", { isCompactSummary: true }),
          claudeUser("<command-name>/clear</command-name>\n<command-message>clear</command-message>"),
          claudeUser("<local-command-stdout>done</local-command-stdout>"),
          claudeUser("<bash-input>ls</bash-input>"),
          claudeUser("<bash-stdout>a.ts</bash-stdout><bash-stderr></bash-stderr>"),
          claudeUser([text("[Request interrupted by user for tool use]")]),
          claudeUser("[Request interrupted by user]"),
          claudeUser([toolResult("toolu_x", "output"), text("text next to a tool result")]),
          claudeUser([
            text("<ide_opened_file>The user opened src/a.ts in the IDE.</ide_opened_file>"),
            text("Explain <ide_selection>const a = 1</ide_selection>this function"),
            text("<system-reminder>Remember the todo list.</system-reminder>")
          ])
        )
      )
      expect(digest.requests).toEqual(["first real request", "Explain this function"])
    })

    it("takes the last assistant text, joining blocks of one message and skipping synthetic replies", () => {
      const digest = digestTranscript(
        jsonl(
          claudeAssistant("msg_1", [text("Earlier reply")]),
          claudeAssistant("msg_2", [text("Part one.")]),
          claudeAssistant("msg_2", [toolUse("toolu_r", "Read", { file_path: "/repo/a.ts" })]),
          claudeAssistant("msg_2", [text("Part two.")]),
          claudeAssistant("msg_2", [text("Part two.")]),
          claudeAssistant("msg_3", [text("subagent reply")], { isSidechain: true }),
          {
            ...claudeAssistant("msg_4", [text("API Error: 529 overloaded")], { isApiErrorMessage: true }),
            message: { id: "msg_4", role: "assistant", model: "<synthetic>", content: [text("API Error: 529")] }
          },
          claudeAssistant("msg_5", [toolUse("toolu_b", "Bash", { command: "ls" })])
        )
      )
      expect(digest.lastAssistant).toBe("Part one.\n\nPart two.")
    })

    it("lists edits whose result is not an error, most recent last", () => {
      const digest = digestTranscript(
        jsonl(
          claudeAssistant("m1", [toolUse("t1", "Edit", { file_path: "/repo/a.ts" })]),
          claudeUser([toolResult("t1", "updated")]),
          claudeAssistant("m2", [toolUse("t2", "Write", { path: "/repo/b.ts", content: "x" })]),
          claudeUser([toolResult("t2", "created")]),
          claudeAssistant("m3", [toolUse("t3", "MultiEdit", { file_path: "/repo/c.ts", edits: [] })]),
          claudeUser([toolResult("t3", "<tool_use_error>String not found</tool_use_error>", true)]),
          claudeAssistant("m4", [toolUse("t4", "NotebookEdit", { notebook_path: "/repo/d.ipynb", new_source: "" })]),
          claudeUser([toolResult("t4", "ok")]),
          claudeAssistant("m5", [toolUse("t5", "Edit", { file_path: "/repo/a.ts" })]),
          claudeUser([toolResult("t5", "updated")]),
          claudeAssistant("m6", [toolUse("t6", "Edit", { file_path: "/repo/pending.ts" })])
        )
      )
      expect(digest.filesEdited).toEqual(["/repo/b.ts", "/repo/d.ipynb", "/repo/a.ts"])
    })

    it("derives Bash exit codes from the result", () => {
      const digest = digestTranscript(
        jsonl(
          claudeAssistant("m1", [toolUse("b1", "Bash", { command: "npm test" })]),
          claudeUser([toolResult("b1", "Exit code 2\nboom", true)]),
          claudeAssistant("m2", [toolUse("b2", "Bash", { command: "git status" })]),
          claudeUser([toolResult("b2", [text("On branch main")])]),
          claudeAssistant("m3", [toolUse("b3", "Bash", { command: "rm -rf /" })]),
          claudeUser([toolResult("b3", "Permission to use Bash has been denied.", true)]),
          claudeAssistant("m4", [toolUse("b4", "Bash", { command: "npm run dev", run_in_background: true })]),
          claudeUser([toolResult("b4", "Command running in background with ID: bash_1")]),
          claudeAssistant("m5", [toolUse("b5", "Bash", { command: "sleep 100" })])
        )
      )
      expect(digest.commands).toEqual([
        { command: "npm test", exitCode: 2 },
        { command: "git status", exitCode: 0 },
        { command: "rm -rf /", exitCode: null },
        { command: "npm run dev", exitCode: null },
        { command: "sleep 100", exitCode: null }
      ])
    })
  })

  describe("Codex rules", () => {
    it("skips injected context and unwraps the request marker when there are no user_message events", () => {
      const digest = digestTranscript(
        jsonl(
          codexLine("session_meta", { id: "s", cwd: "/repo" }),
          codexUser("<user_instructions>\nBe terse.\n</user_instructions>"),
          codexUser("# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\nx\n</INSTRUCTIONS>"),
          codexUser("<ENVIRONMENT_CONTEXT><cwd>/repo</cwd></ENVIRONMENT_CONTEXT>"),
          codexUser("<skill>\n<name>x</name>\n</skill>"),
          codexUser("<turn_aborted>\ninterrupted\n</turn_aborted>"),
          codexLine("response_item", {
            type: "message",
            role: "developer",
            content: [{ type: "input_text", text: "<permissions instructions>" }]
          }),
          codexUser("Context from my IDE setup:\n\n## My request for Codex:\nAdd a retry"),
          codexUser("Add a retry")
        )
      )
      expect(digest.requests).toEqual(["Add a retry", "Add a retry"])
    })

    it("prefers user_message events, skipping non-plain kinds", () => {
      const digest = digestTranscript(
        jsonl(
          codexUser("typed earlier, its event was cut off by the tail"),
          codexEvent({ type: "user_message", message: "<environment_context>…", kind: "environment_context" }),
          codexUser("Rename the module"),
          codexEvent({ type: "user_message", message: "Rename the module", kind: "plain", images: [] })
        )
      )
      expect(digest.requests).toEqual(["Rename the module"])
    })

    it("picks the last assistant message by preference within the latest turn", () => {
      const turnOne = [
        codexEvent({ type: "user_message", message: "one" }),
        codexAssistant("item reply one"),
        codexEvent({ type: "agent_message", message: "agent reply one" }),
        codexEvent({ type: "task_complete", last_agent_message: "task reply one" })
      ]
      expect(digestTranscript(jsonl(...turnOne)).lastAssistant).toBe("task reply one")

      const turnTwo = [
        codexEvent({ type: "user_message", message: "two" }),
        codexEvent({ type: "agent_message", message: "final answer", phase: "final_answer" }),
        codexEvent({ type: "agent_message", message: "commentary after", phase: "commentary" }),
        codexAssistant("item reply two")
      ]
      expect(digestTranscript(jsonl(...turnOne, ...turnTwo)).lastAssistant).toBe("final answer")

      // A new prompt without a reply yet: the previous turn's reply is still the last one.
      const turnThree = [codexEvent({ type: "user_message", message: "three" })]
      expect(digestTranscript(jsonl(...turnOne, ...turnTwo, ...turnThree)).lastAssistant).toBe("final answer")

      expect(digestTranscript(jsonl(codexUser("q"), codexAssistant("commentary", "commentary"))).lastAssistant).toBe(
        "commentary"
      )
    })

    it("reads commands of every shell tool and their exit codes", () => {
      const digest = digestTranscript(
        jsonl(
          functionCall("c1", "shell", { command: ["bash", "-lc", "npm test"], workdir: "/repo" }),
          functionOutput("c1", "Exit code: 3\nWall time: 1.2 seconds\nOutput:\nfailed"),
          codexLine("response_item", {
            type: "function_call",
            name: "container.exec",
            arguments: { command: ["git", "commit", "-m", "fix it"] },
            call_id: "c2"
          }),
          functionOutput("c2", '{"output":"ok","metadata":{"exit_code":0,"duration_seconds":0.1}}'),
          functionCall("c3", "shell_command", { command: "ls -la\n  src" }),
          functionOutput("c3", [{ type: "input_text", text: "Exit code: 0\nOutput:\nExit code: 9" }]),
          functionCall("c4", "exec_command", { cmd: "cargo build", yield_time_ms: 1000 }),
          functionOutput("c4", "Chunk ID: 1\nWall time: 1.0 seconds\nProcess running with session ID 7\nOutput:\n"),
          functionCall("c5", "write_stdin", { session_id: 7, chars: "" }),
          functionOutput("c5", "Chunk ID: 2\nWall time: 9.0 seconds\nProcess exited with code 101\nOutput:\nerror"),
          functionCall("c6", "exec_command", { cmd: "make" }),
          functionOutput("c6", "Chunk ID: 3\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nok"),
          codexLine("response_item", {
            type: "local_shell_call",
            call_id: "c7",
            status: "completed",
            action: { type: "exec", command: ["pytest", "-q"] }
          }),
          functionOutput("c7", "Exit code: 1\nOutput:\n"),
          functionCall("c8", "shell", { command: ["bash", "-lc", "sleep 600"] }),
          functionCall("c9", "shell", "not json")
        )
      )
      expect(digest.commands).toEqual([
        { command: "npm test", exitCode: 3 },
        { command: "git commit -m 'fix it'", exitCode: 0 },
        { command: "ls -la src", exitCode: 0 },
        { command: "cargo build", exitCode: 101 },
        { command: "make", exitCode: 0 },
        { command: "pytest -q", exitCode: 1 },
        { command: "sleep 600", exitCode: null }
      ])
    })

    it("uses exec_command_end events when they are persisted", () => {
      const digest = digestTranscript(
        jsonl(
          functionCall("c1", "shell", { command: ["bash", "-lc", "npm test"] }),
          codexEvent({ type: "exec_command_end", call_id: "c1", command: ["bash", "-lc", "npm test"], exit_code: 4 }),
          codexEvent({ type: "exec_command_end", call_id: "c0", command: ["bash", "-lc", "npm ci"], exit_code: 0 })
        )
      )
      expect(digest.commands).toEqual([
        { command: "npm test", exitCode: 4 },
        { command: "npm ci", exitCode: 0 }
      ])
    })

    it("finds edited files in every place a patch can arrive", () => {
      const patch = (body: string) => `*** Begin Patch\n${body}\n*** End Patch\n`
      const digest = digestTranscript(
        jsonl(
          functionCall("p1", "apply_patch", { input: patch("*** Update File: a.ts\n@@\n-x\n+y") }),
          functionOutput("p1", "Success. Updated the following files:\nM a.ts"),
          functionCall("p2", "shell", { command: ["apply_patch", patch("*** Delete File: old.ts")] }),
          functionOutput("p2", '{"output":"Success.","metadata":{"exit_code":0}}'),
          functionCall("p3", "shell", {
            command: ["bash", "-lc", `cd web && apply_patch <<'EOF'\n${patch("  *** Add File: b.ts\n+x")}EOF\n`]
          }),
          functionOutput("p3", "Exit code: 0\nOutput:\nSuccess."),
          functionCall("p4", "apply_patch", { input: patch("*** Update File: c.ts\n*** Move to: d.ts\n@@\n-a\n+b") }),
          functionOutput("p4", "Success."),
          functionCall("p5", "apply_patch", { input: patch("*** Update File: failed.ts\n@@\n-q\n+r") }),
          functionOutput("p5", "apply_patch verification failed: Failed to find expected lines in failed.ts"),
          functionCall("p6", "apply_patch", { input: patch("*** Update File: exit1.ts") }),
          functionOutput("p6", "Exit code: 1\nOutput:\nerror"),
          codexEvent({
            type: "patch_apply_end",
            call_id: "p7",
            success: true,
            changes: { "/repo/e.ts": { type: "update", move_path: "/repo/f.ts" }, "/repo/a.ts": { type: "update" } }
          }),
          codexEvent({ type: "patch_apply_end", call_id: "p8", success: false, changes: { "/repo/g.ts": {} } }),
          functionCall("p9", "apply_patch", { input: patch("*** Add File: unanswered.ts") })
        )
      )
      expect(digest.filesEdited).toEqual([
        ...["a.ts", "old.ts", "web/b.ts", "c.ts", "d.ts"],
        ...["/repo/e.ts", "/repo/f.ts", "/repo/a.ts"]
      ])
      expect(digest.commands).toEqual([])
    })
  })
})
