import type { ManagedBlock, OwnedFile } from "../Surfaces.js"
import type { Agent, Launch } from "./Agent.js"

// What the guidance files tell an agent: how to find and claim a pending handover. One text for every tool; only the
// packaging (rule file and frontmatter, or a block in a shared file) differs.

/**
 * The instructions, for the tool `target` (the id it claims with), or for whichever tool reads a file many share
 * (AGENTS.md) when null.
 */
export const guidanceText = (target: string | null): string => {
  const pickup = target === null
    ? "`handover pickup --target <tool>` with the name of the tool you are (claude, codex, gemini, cursor, …)"
    : `\`handover pickup --target ${target}\``
  return [
    "## Handover between coding agents",
    "",
    "This repository uses handover: when a coding agent runs out of quota, its unfinished work is left in `.handover/`",
    "for the next agent. At the start of a task, run `handover pending`:",
    "",
    "- exit 3: nothing is pending; carry on.",
    `- exit 0: another agent left work here. Unless the user asked for something else, take it over: run ${pickup}.`,
    "  It claims the handover (only one agent can) and prints the summary and next steps.",
    "",
    "The summary is `.handover/current/summary.md` and the uncommitted work `.handover/current/workspace.patch`. In this",
    "working tree the changes are normally already present; in another clone `handover pickup --apply` applies them",
    "when they fit (`--3way` merges them), as does `git apply --3way .handover/current/workspace.patch`. Where the",
    "`handover` command is not installed, ignore this.",
    ""
  ].join("\n")
}

/** A rule file of handover's own, with the frontmatter the tool reads (rendered as YAML scalars). */
export const ruleFile = (
  path: string,
  frontmatter: ReadonlyArray<readonly [string, string | boolean]>,
  target: string
): OwnedFile => {
  const header = frontmatter.length === 0
    ? ""
    : ["---", ...frontmatter.map(([key, value]) => `${key}: ${value}`), "---", ""].join("\n")
  return { _tag: "OwnedFile", path, content: header + guidanceText(target) }
}

/** The guidance as a managed block in a file the user owns too. */
export const guidanceBlock = (path: string, target: string | null): ManagedBlock => ({
  _tag: "ManagedBlock",
  path,
  content: guidanceText(target)
})

/** The one description every rule file gives (without ": ", so it stays a plain YAML scalar). */
export const ruleDescription = "How to find and take over work another coding agent handed over"

/** A tool handover reaches only through guidance files: no quota, no hooks, no transcript. */
export const guidanceOnlyAgent = (
  agent: Pick<Agent, "id" | "displayName" | "detection" | "surfaces"> & { readonly launch?: Launch }
): Agent => ({ quota: null, hooks: null, transcript: null, ...agent, launch: agent.launch ?? null })
