import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { expect, it } from "vitest"
import { completedTurn, geminiHookSettings, sessionStartContexts, useAgentWorld } from "./clients.js"

// The harness drives the real Gemini CLI: a turn answered by the model stand-in, project hooks that fire with real
// payloads, and a session-start hook's context that reaches the model. handover's own Gemini case is in
// handover.test.ts, skipped until handover speaks Gemini.

it("runs a real Gemini CLI turn whose project hooks receive the real payloads and whose session-start context reaches the model", async (context) => {
  const world = await useAgentWorld(context, { kind: "ok", readModel: { snapshots: {} } })
  const payloads = join(world.repo.base, "hook-payloads.jsonl")
  const appendPayload = `cat >> '${payloads}' && echo >> '${payloads}'`
  const sessionStartOutput = { hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: "the-harness-marker" } }
  await world.repo.write(".gemini/settings.json", JSON.stringify(geminiHookSettings({
    SessionStart: `${appendPayload} && echo '${JSON.stringify(sessionStartOutput)}'`,
    BeforeAgent: appendPayload,
    AfterAgent: appendPayload
  })))

  const prompt = "Subtract the discount in total()"
  const turn = await completedTurn(world, "gemini", prompt)

  expect(JSON.parse(turn.result.stdout)).toMatchObject({ response: "ok" })
  const received = (await readFile(payloads, "utf8")).split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown>)
  expect(received.map((payload) => payload["hook_event_name"])).toEqual(["SessionStart", "BeforeAgent", "AfterAgent"])
  for (const payload of received) expect(payload["cwd"]).toBe(world.repo.dir)
  // BeforeAgent's prompt already carries the session-start context in front: "<hook_context>…</hook_context>\n\n<prompt>".
  expect(String(received[1]?.["prompt"])).toBe(`<hook_context>the-harness-marker</hook_context>\n\n${prompt}`)
  expect(sessionStartContexts(turn)).toContain("the-harness-marker")
})
