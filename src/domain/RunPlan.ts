import { type Agent, initialPromptArgv } from "./agents/Agent.js"
import { agentById, allAgents } from "./agents/registry.js"
import type { Bundle } from "./Bundle.js"
import { renderResumePrompt } from "./ResumeContext.js"
import { storeLayout } from "./StoreLayout.js"
import { printableLine } from "./Text.js"

// What `handover run` starts: the child's argv and environment, decided from the command line, our own environment
// and the handover found (or not). Effects stay outside: run.ts finds the bundle, the Launcher starts the child.

/** The variables that point a child at a handover; never inherited, so a nested run cannot see a stale one. */
export const handoverEnvNames = ["HANDOVER_BUNDLE", "HANDOVER_BUNDLE_ID", "HANDOVER_SUMMARY", "HANDOVER_PATCH"] as const

/** The tool CMD is: --target when given, else the agent whose launch program is CMD's file name. */
export interface RunTarget {
  /** The id pending/claim go by (and claim.json records); undefined when neither --target nor CMD names one. */
  readonly id: string | undefined
  /** The agent of that id, when handover knows it. */
  readonly agent: Agent | undefined
}

const baseName = (program: string): string => program.slice(Math.max(program.lastIndexOf("/"), program.lastIndexOf("\\")) + 1)

export const runTarget = (program: string, targetFlag: string | undefined): RunTarget => {
  if (targetFlag !== undefined) return { id: targetFlag, agent: agentById(targetFlag) }
  const agent = allAgents.find((candidate) => candidate.launch?.program === baseName(program))
  return { id: agent?.id, agent }
}

/** The handover run found: its bundle at the git top level `root`, and whether this run claimed it. */
export interface FoundHandover {
  readonly root: string
  readonly bundle: Bundle
  readonly claimed: boolean
  /** What freshnessNotes says of the bundle here (its age, whether HEAD moved): told on stderr and in the prompt. */
  readonly freshness: ReadonlyArray<string>
}

export interface RunRequest {
  /** CMD ARGS… exactly as given after `--`: CMD first. */
  readonly command: readonly [string, ...Array<string>]
  readonly parentEnv: Readonly<Record<string, string | undefined>>
  readonly target: RunTarget
  /** --prompt: pass the resume prompt as the target's initial prompt. */
  readonly prompt: boolean
}

export interface RunPlan {
  readonly program: string
  readonly args: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  /** Lines for stderr before the child starts: which handover, and why no prompt was added. */
  readonly notes: ReadonlyArray<string>
}

/** Our environment minus any inherited handover variables, plus the found handover's (absolute paths). */
export const childEnv = (
  parentEnv: Readonly<Record<string, string | undefined>>,
  handover: FoundHandover | null
): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value !== undefined && !(handoverEnvNames as ReadonlyArray<string>).includes(name)) env[name] = value
  }
  if (handover === null) return env
  const dir = storeLayout(handover.root).bundle(handover.bundle.id)
  return {
    ...env,
    HANDOVER_BUNDLE: dir,
    HANDOVER_BUNDLE_ID: handover.bundle.id,
    HANDOVER_SUMMARY: `${dir}/summary.md`,
    HANDOVER_PATCH: `${dir}/workspace.patch`
  }
}

/** What the prompt adds to ARGS (the adapter's prompt flags, then the prompt as one element), or why nothing. */
const promptArgs = (
  request: RunRequest,
  handover: FoundHandover
): { readonly args: ReadonlyArray<string>; readonly note?: string } => {
  const { agent, id } = request.target
  const program = printableLine(baseName(request.command[0]))
  if (agent === undefined) {
    const why = id === undefined
      ? `cannot tell which tool ${program} is; name it with --target`
      : `handover knows no tool ${printableLine(id)}`
    return { args: [], note: `handover: --prompt: ${why}; starting ${program} without a prompt` }
  }
  const prompt = renderResumePrompt(handover.bundle, storeLayout(handover.root).home, agent, handover.freshness)
  const argv = initialPromptArgv(agent, prompt)
  if (argv === null) {
    return {
      args: [],
      note: `handover: --prompt: ${agent.displayName} takes no initial prompt on its command line; starting it without one`
    }
  }
  return { args: argv.slice(1) }
}

/** The child to start: CMD ARGS… unchanged, plus the prompt when asked for and possible; its environment; the notes. */
export const planRun = (request: RunRequest, handover: FoundHandover | null): RunPlan => {
  const [program, ...args] = request.command
  const env = childEnv(request.parentEnv, handover)
  if (handover === null) return { program, args, env, notes: [] }
  const { bundle } = handover
  const prompt = request.prompt ? promptArgs(request, handover) : { args: [] }
  return {
    program,
    args: [...args, ...prompt.args],
    env,
    notes: [
      printableLine(
        `handover: bundle ${bundle.id} "${bundle.title}", ${
          handover.claimed ? `claimed by ${bundle.claim?.by ?? "this run"}` : "pending (not claimed: --claim takes it)"
        }; its files are in $HANDOVER_BUNDLE`
      ),
      // Already escaped by describeFreshness.
      ...handover.freshness.map((line) => `handover: ${line}`),
      ...(prompt.note === undefined ? [] : [prompt.note])
    ]
  }
}
