import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { Repo } from "../helpers/repo.js"
import { completedTurn, sessionStartContexts, useAgentWorld } from "./clients.js"

// The harness drives the real Qwen Code, Copilot CLI and OpenCode (all three speak OpenAI chat completions to the
// model stand-in): a turn answered by the stand-in, the repository's own hooks or plugin firing on the session's
// start, the prompt and the turn's end, and a session-start text reaching the model. This holds whether or not
// handover has adapters for them; handover's own cases are in handover.test.ts.

const marker = "the-harness-marker"

interface HarnessHooks {
  /** The events the hooks see in one headless turn, in order; the first is the session's start. */
  readonly events: ReadonlyArray<string>
  /** Writes hooks (or a plugin) on `events` into the repository that append `{"event":…,"payload":…}` lines to `log`. */
  readonly install: (repo: Repo, log: string, events: ReadonlyArray<string>) => Promise<void>
  /** Where a hook's payload names the session's directory. */
  readonly directoryOf: (payload: Record<string, unknown>) => unknown
}

/**
 * The client's hooks by event: `handlers(command)` for each, the command appending the event and its payload (stdin)
 * as one line to `log`, and on the session's start also printing `startOutput`, the client's shape of a context.
 */
const shellHooks = (
  log: string,
  events: ReadonlyArray<string>,
  startOutput: unknown,
  handlers: (command: string) => unknown
) =>
  Object.fromEntries(events.map((event, index) => {
    const append = `{ printf '{"event":"${event}","payload":'; tr -d '\\n'; echo '}'; } >> '${log}'`
    return [event, handlers(index === 0 ? `${append} && echo '${JSON.stringify(startOutput)}'` : append)]
  }))

const harnessHooks: Readonly<Record<"qwen" | "copilot" | "opencode", HarnessHooks>> = {
  qwen: {
    events: ["SessionStart", "UserPromptSubmit", "Stop"],
    // Claude Code's shape and event names, timeouts in seconds.
    install: (repo, log, events) =>
      repo.write(".qwen/settings.json", JSON.stringify({
        hooks: shellHooks(
          log,
          events,
          { hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: marker } },
          (command) => [{ matcher: "*", hooks: [{ type: "command", command, timeout: 10 }] }]
        )
      })),
    directoryOf: (payload) => payload["cwd"]
  },
  copilot: {
    events: ["sessionStart", "userPromptSubmitted", "agentStop"],
    // A file of its own in .github/hooks/; only a top-level additionalContext reaches the model.
    install: (repo, log, events) =>
      repo.write(".github/hooks/harness.json", JSON.stringify({
        version: 1,
        hooks: shellHooks(log, events, { additionalContext: marker }, (bash) => [{ type: "command", bash, timeoutSec: 10 }])
      })),
    directoryOf: (payload) => payload["cwd"]
  },
  opencode: {
    events: ["session.created", "chat.message", "session.idle"],
    // No shell hooks: a plugin module; session.created starts, chat.message is the prompt, session.idle ends a turn.
    install: (repo, log) =>
      repo.write(".opencode/plugin/harness.js", [
        `import { appendFileSync } from "node:fs"`,
        `const append = (event, payload) => appendFileSync(${JSON.stringify(log)}, JSON.stringify({ event, payload }) + "\\n")`,
        `export const Harness = async ({ directory }) => ({`,
        `  event: async ({ event }) => {`,
        `    if (event.type === "session.created" || event.type === "session.idle") append(event.type, { directory })`,
        `  },`,
        `  "chat.message": async (input) => append("chat.message", { directory, sessionID: input.sessionID }),`,
        `  "experimental.chat.system.transform": async (input, output) => { output.system.push(${JSON.stringify(marker)}) }`,
        `})`,
        ``
      ].join("\n")),
    directoryOf: (payload) => payload["directory"]
  }
}

describe.each(["qwen", "copilot", "opencode"] as const)("%s in the harness", (client) => {
  it("runs a real turn answered by the stand-in whose repository hooks fire and whose session-start text reaches the model", async (context) => {
    const world = await useAgentWorld(context, { kind: "ok", readModel: { snapshots: {} } })
    const log = join(world.repo.base, "hook-events.jsonl")
    const hooks = harnessHooks[client]
    await hooks.install(world.repo, log, hooks.events)

    const turn = await completedTurn(world, client, "Subtract the discount in total()")

    expect(turn.result.stdout).toContain("ok")
    const received = (await readFile(log, "utf8")).trim().split("\n").map((line) =>
      JSON.parse(line) as { readonly event: string; readonly payload: Record<string, unknown> }
    )
    expect(received.map(({ event }) => event)).toEqual(hooks.events)
    for (const { payload } of received) expect(hooks.directoryOf(payload)).toBe(world.repo.dir)
    expect(sessionStartContexts(turn)).toContain(marker)
  })
})
