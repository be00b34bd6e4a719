import type { Trigger } from "./Bundle.js"
import type { HookPayload } from "./HookEvent.js"
import { redactSecrets } from "./Secrets.js"
import { describeTrigger } from "./Summary.js"
import { clip } from "./Text.js"
import type { TranscriptDigest } from "./Transcript.js"
import { autoTitle } from "./Trigger.js"

const maxText = 1500
const maxSummary = 8000

const quote = (text: string): string => clip(text, maxText).split("\n").map((line) => `> ${line}`).join("\n")

export interface AutoSummaryInput {
  readonly trigger: Extract<Trigger, { kind: "threshold" }>
  readonly payload: HookPayload
  /** The transcript's digest, when the payload pointed at a readable transcript. */
  readonly digest: TranscriptDigest | null
}

export interface AutoSummary {
  readonly title: string
  readonly summary: string
  readonly nextSteps: ReadonlyArray<string>
}

/**
 * The summary of an automatic capture, built only from what the event carries: the prompt, the last assistant message
 * and the transcript's recent requests, edits and commands. Deterministic, bounded, and with secrets redacted.
 */
export const buildAutoSummary = ({ digest, payload, trigger }: AutoSummaryInput): AutoSummary => {
  // Every input is redacted before anything is clipped: a cut through a secret would leave a prefix the patterns no
  // longer match. Everything below is built from these redacted texts only.
  const redacted = (text: string | null | undefined) => text?.trim() ? redactSecrets(text.trim()) : null
  const requests = (digest?.requests ?? []).map(redactSecrets)
  const prompt = redacted(payload.prompt)
  if (prompt !== null && requests[requests.length - 1] !== prompt) requests.push(prompt)
  const lastRequest = requests[requests.length - 1]
  const lastAssistant = redacted(payload.last_assistant_message) ?? redacted(digest?.lastAssistant)
  const files = (digest?.filesEdited ?? []).map(redactSecrets)
  const commands = (digest?.commands ?? []).map((c) => ({ ...c, command: redactSecrets(c.command) }))
  const transcriptPath = redacted(payload.transcript_path)

  const sections: Array<string> = [
    `Automatic handover from ${trigger.tool}, ${describeTrigger({ trigger, source: { tool: trigger.tool } })}.`
  ]
  if (lastRequest !== undefined) sections.push(`Last request:\n${quote(lastRequest)}`)
  if (requests.length > 1) {
    sections.push(`Earlier requests (oldest first):\n${requests.slice(0, -1).map((r) => `- ${clip(r, 300)}`).join("\n")}`)
  }
  if (lastAssistant !== null) sections.push(`Last assistant message:\n${quote(lastAssistant)}`)
  if (files.length > 0) sections.push(`Files edited in the session:\n${files.map((file) => `- ${file}`).join("\n")}`)
  if (commands.length > 0) {
    sections.push(
      `Commands run (most recent last):\n${
        commands.map((c) => `- \`${c.command}\` → ${c.exitCode === null ? "exit unknown" : `exit ${c.exitCode}`}`).join("\n")
      }`
    )
  }
  if (transcriptPath !== null) sections.push(`Transcript: ${transcriptPath}`)

  const nextSteps: Array<string> = []
  if (lastRequest !== undefined) nextSteps.push(`Continue the last request: ${clip(lastRequest.split("\n")[0]!, 200)}`)
  else nextSteps.push("Read the summary and the patch, then continue the task")
  const lastFailure = [...commands].reverse().find((c) => c.exitCode !== null && c.exitCode !== 0)
  if (lastFailure !== undefined) {
    nextSteps.push(`Re-run \`${clip(lastFailure.command, 200)}\`, which last failed with exit ${lastFailure.exitCode}`)
  }
  if (files.length > 0) nextSteps.push(`Review the uncommitted edits to ${files.slice(-5).join(", ")}`)

  return {
    title: autoTitle(trigger),
    summary: clip(sections.join("\n\n"), maxSummary),
    nextSteps
  }
}
