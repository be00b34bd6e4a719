import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { type AutoSummaryInput, buildAutoSummary } from "../../src/domain/AutoSummary.js"
import type { Trigger } from "../../src/domain/Bundle.js"
import { parseHookPayload } from "../../src/domain/HookEvent.js"
import { digestTranscript, type TranscriptDigest } from "../../src/domain/Transcript.js"
import { thresholdTrigger } from "../helpers/bundles.js"

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")

const request = "The cart total ignores discounts. Fix it and run the tests."
// The documented example key id: shaped like a real one, valid nowhere.
const awsKey = "AKIAIOSFODNN7EXAMPLE"

const trigger: Extract<Trigger, { kind: "threshold" }> = {
  ...thresholdTrigger,
  resetsAt: "2026-11-25T20:00:00Z",
  reason: "threshold"
}

const stopPayload = parseHookPayload(fixture("hooks/claude-Stop.json"))
const claudeDigest = digestTranscript(fixture("claude-transcript.jsonl"))

const digest = (overrides: Partial<TranscriptDigest> = {}): TranscriptDigest => ({
  format: "claude",
  requests: [],
  lastAssistant: null,
  filesEdited: [],
  commands: [],
  ...overrides
})

const fromFixtures: AutoSummaryInput = { trigger, payload: stopPayload, digest: claudeDigest }

describe("buildAutoSummary", () => {
  it("is deterministic: the same event gives the same title, summary and next steps", () => {
    const first = buildAutoSummary(fromFixtures)
    const again = buildAutoSummary({
      trigger: { ...trigger },
      payload: parseHookPayload(fixture("hooks/claude-Stop.json")),
      digest: digestTranscript(fixture("claude-transcript.jsonl"))
    })
    expect(again).toEqual(first)
  })

  it("tells what was going on: why, the request, the last answer, the edits and the commands", () => {
    const auto = buildAutoSummary(fromFixtures)
    expect(auto.title).toBe("claude at 95% of its 5h window")
    expect(auto.summary).toContain("95% of its 5h window")
    expect(auto.summary).toContain(request)
    expect(auto.summary).toContain("expected 90, got 100")
    expect(auto.summary).toContain("/home/dev/shop/src/cart.ts")
    expect(auto.summary).toMatch(/`npm test -- cart` → exit 1/)
  })

  it("next steps continue the last request and re-run the command that failed", () => {
    const auto = buildAutoSummary(fromFixtures)
    expect(auto.nextSteps[0]).toBe(`Continue the last request: ${request}`)
    expect(auto.nextSteps).toContain("Re-run `npm test -- cart`, which last failed with exit 1")
  })

  it("re-runs the most recent failure, not a command that passed since", () => {
    const auto = buildAutoSummary({
      trigger,
      payload: {},
      digest: digest({
        commands: [
          { command: "npm run lint", exitCode: 2 },
          { command: "npm test -- cart", exitCode: 1 },
          { command: "git status", exitCode: 0 }
        ]
      })
    })
    expect(auto.nextSteps.filter((step) => step.startsWith("Re-run"))).toEqual([
      "Re-run `npm test -- cart`, which last failed with exit 1"
    ])
  })

  it("without a transcript, still builds a summary from the payload alone", () => {
    const auto = buildAutoSummary({ trigger, payload: parseHookPayload(fixture("hooks/claude-UserPromptSubmit.json")), digest: null })
    expect(auto.summary).toContain(request)
    expect(auto.nextSteps[0]).toBe(`Continue the last request: ${request}`)
  })

  it("stays bounded whatever the event carries", () => {
    const huge = "x".repeat(200_000)
    // The payload is unbounded; the digest is as large as digestTranscript ever makes it.
    const long = "y".repeat(500)
    const auto = buildAutoSummary({
      trigger,
      payload: { prompt: huge, last_assistant_message: huge, transcript_path: "/t.jsonl" },
      digest: digest({
        requests: Array.from({ length: 5 }, (_, index) => `request ${index} ${long}`),
        lastAssistant: long,
        filesEdited: Array.from({ length: 30 }, (_, index) => `src/feature-${index}/component-${index}.tsx`),
        commands: Array.from({ length: 10 }, (_, index) => ({ command: `run ${index} ${long}`, exitCode: 1 }))
      })
    })
    expect(auto.summary.length).toBeLessThanOrEqual(8000)
    expect(auto.nextSteps.length).toBeLessThanOrEqual(5)
    for (const step of auto.nextSteps) expect(step.length).toBeLessThanOrEqual(600)
  })

  it("redacts an AWS key from the last assistant message", () => {
    const auto = buildAutoSummary({
      trigger,
      payload: { last_assistant_message: `I set AWS_ACCESS_KEY_ID=${awsKey} in the deploy script.` },
      digest: null
    })
    expect(auto.summary).not.toContain(awsKey)
    expect(auto.summary).toContain("[REDACTED]")
  })

  it("redacts a key that straddles the point where a long message is cut", () => {
    // The key starts a few characters before the quoted message is clipped: no prefix of it may survive.
    const message = `${"a ".repeat(745)}key ${awsKey} and more text after it`
    const auto = buildAutoSummary({ trigger, payload: { last_assistant_message: message }, digest: null })
    expect(auto.summary).not.toMatch(/AKIA[0-9A-Z]/)
  })

  it("redacts secrets from the next steps too", () => {
    const auto = buildAutoSummary({
      trigger,
      payload: { prompt: `Deploy with key ${awsKey}` },
      digest: digest({ commands: [{ command: `aws configure set aws_access_key_id ${awsKey}`, exitCode: 1 }] })
    })
    expect(auto.nextSteps.join("\n")).not.toContain(awsKey)
    expect(auto.summary).not.toContain(awsKey)
  })
})
