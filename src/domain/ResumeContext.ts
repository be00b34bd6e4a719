import { agentById, hookAgentIds } from "./agents/registry.js"
import type { Bundle } from "./Bundle.js"
import { describeTrigger } from "./Summary.js"
import { clip, printableBlock, printableLine } from "./Text.js"

/** The agents cap injected context at about 10,000 characters. */
export const maxContextChars = 10_000

/** Plain text, or the SessionStart hook output of a tool with hooks (named by its adapter id). */
export const SessionStartFormat: readonly [string, ...Array<string>] = ["plain", ...hookAgentIds]
export type SessionStartFormat = string

// Shares of the context for the parts a bundle can make arbitrarily long, so that what follows them (where the
// files are, how to claim) always fits.
const maxTitleChars = 300
const maxStepsChars = 4000
const maxFilesChars = 1500
const maxFreshnessChars = 1000

/**
 * What a new agent session is told about a pending handover: what it is, why and when it was captured, the next
 * steps, where the files are and how to claim it. Always within maxContextChars: the summary gives way first.
 * The bundle's fields come from bundle.json, which a cloned repository may carry: control characters are shown escaped.
 * A bundle already claimed (for the session `run --claim` starts, or by `render` after a pickup) is told as taken over.
 * `freshness` is what describeFreshness says of the bundle against this repository (its age, whether HEAD moved).
 */
export const renderResumeContext = (
  bundle: Bundle,
  storeHome: string,
  claimTarget: string | null,
  freshness: ReadonlyArray<string> = []
): string => {
  const dir = printableLine(`${storeHome}/bundles/${bundle.id}`)
  const pickup = printableLine(claimTarget === null ? "handover pickup" : `handover pickup --target ${claimTarget}`)
  const title = `"${clip(printableLine(bundle.title), maxTitleChars)}" (bundle ${printableLine(bundle.id)})`
  const head = [
    bundle.claim === null
      ? `A handover is pending in this repository: ${title}.`
      : `A handover was taken over in this repository: ${title}, claimed by ${printableLine(bundle.claim.by)} at ${
        printableLine(bundle.claim.at)
      }.`,
    printableLine(
      `It was ${describeTrigger(bundle)}, at ${bundle.createdAt}, on branch ${bundle.repo.branch ?? "(detached)"} at ${
        bundle.repo.head?.slice(0, 12) ?? "(no commit yet)"
      }.`
    ),
    ...(freshness.length === 0 ? [] : [clip(printableLine(`Freshness: ${freshness.join("; ")}.`), maxFreshnessChars)]),
    ""
  ].join("\n")
  const steps = bundle.nextSteps.length === 0
    ? "Next steps: none were given; read the summary and the patch."
    : clip(
      ["Next steps:", ...bundle.nextSteps.map((step, index) => `${index + 1}. ${clip(printableBlock(step), 500)}`)].join(
        "\n"
      ),
      maxStepsChars
    )
  const files = bundle.patch.files.length === 0
    ? "There were no uncommitted changes."
    : clip(
      `Uncommitted changes (${bundle.patch.files.length} file(s)): ${
        bundle.patch.files.slice(0, 30).map((file) => printableLine(file.path)).join(", ")
      }${bundle.patch.files.length > 30 ? ", …" : ""}.`,
      maxFilesChars
    )
  const tail = [
    "",
    steps,
    "",
    files,
    `Files: ${dir}/summary.md (full summary), ${dir}/workspace.patch (the uncommitted work as a binary-safe patch).`,
    bundle.claim === null
      ? `To take over this work, first run \`${pickup}\`: it claims the handover so that no other agent resumes it too. ` +
        "In this working tree the changes are normally already present; elsewhere " +
        `\`${pickup} --apply\` also applies the patch when it fits (add \`--3way\` to merge it), or apply it with \`git apply --3way\`.`
      // Claimed already (`handover run --claim` did it for this session): pickup would say nothing is pending.
      : "It is claimed, so no other agent resumes it: continue the work. In this working tree the changes are normally " +
        `already present; if they are missing, \`handover pickup ${printableLine(bundle.id)} --apply\` applies the patch ` +
        "when it fits (add `--3way` to merge it)."
  ].join("\n")
  const room = maxContextChars - head.length - tail.length - "Summary:\n\n".length
  const summary = `Summary:\n${clip(printableBlock(bundle.summary.trim()) || "(none given)", Math.max(0, room))}\n`
  return clip(head + summary + tail, maxContextChars)
}

/**
 * A session that compacts or resumes fires SessionStart again: it is not told to take over the handover it captured
 * itself (it still has its own context), only other sessions are.
 */
export const isOwnCapture = (bundle: Bundle, sessionId: string | undefined): boolean =>
  sessionId !== undefined && sessionId !== "" && bundle.source.sessionId === sessionId

/**
 * Which tool the new session resumes as: --target when given, else the tool whose hook format was asked for (a bundle
 * meant for another tool is then not offered to it); plain text names no tool.
 */
export const resumingTool = (format: SessionStartFormat, target: string | undefined): string | null =>
  target ?? (format === "plain" ? null : format)

/** What session-start prints in the format: the text itself, or the SessionStart hook output that tool reads. */
export const sessionStartOutput = (format: SessionStartFormat, context: string): string => {
  switch (agentById(format)?.hooks?.sessionStartOutput) {
    case "hookSpecificOutput":
      return JSON.stringify({ hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: context } })
    case "additionalContext":
      return JSON.stringify({ additionalContext: context })
    case "additional_context":
      return JSON.stringify({ additional_context: context })
    case undefined:
      return context
  }
}

/**
 * The resume prompt `render` writes for one tool: what session-start would tell it, under a heading naming the tool,
 * for pasting into a tool that has no hooks or for reading before starting one by hand.
 */
export const renderResumePrompt = (
  bundle: Bundle,
  storeHome: string,
  target: { readonly id: string; readonly displayName: string },
  freshness: ReadonlyArray<string> = []
): string =>
  `# Resume in ${target.displayName}: ${printableLine(bundle.title)}\n\n${
    renderResumeContext(bundle, storeHome, target.id, freshness)
  }\n`
