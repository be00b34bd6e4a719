import * as Either from "effect/Either"
import { agentById, allAgents } from "./agents/registry.js"
import { InputInvalid } from "./errors.js"

/** The adapters install writes, and why those. */
export interface AdapterChoice {
  readonly ids: ReadonlyArray<string>
  readonly why: string
}

export interface FoundTool {
  readonly id: string
  /** "claude on PATH", "~/.codex exists". */
  readonly reason: string
}

/** The guidance every agent that reads AGENTS.md follows: written whenever install chooses by itself. */
const everyAgentsGuidance = "agents"

const unknownAdapters = (ids: ReadonlyArray<string>, what: string): InputInvalid | undefined => {
  const unknown = ids.find((id) => agentById(id) === undefined)
  return unknown === undefined
    ? undefined
    : new InputInvalid({
      what: `${what} ${unknown}`,
      reason: `no such adapter; known adapters: ${allAgents.map((agent) => agent.id).join(", ")} (see handover adapters)`
    })
}

/**
 * Which adapters install writes: the ones asked for (--adapter), every one (--all), the config's `adapters` when a
 * config source sets them, else the tools found on this machine plus AGENTS.md.
 */
export const chooseAdapters = (input: {
  readonly requested: ReadonlyArray<string>
  readonly all: boolean
  readonly configured: ReadonlyArray<string> | null
  readonly found: ReadonlyArray<FoundTool>
}): Either.Either<AdapterChoice, InputInvalid> => {
  const choose = (ids: ReadonlyArray<string>, why: string, what: string) => {
    const error = unknownAdapters(ids, what)
    return error === undefined ? Either.right({ ids: [...new Set(ids)], why }) : Either.left(error)
  }
  if (input.requested.length > 0) return choose(input.requested, "as asked", "--adapter")
  if (input.all) return choose(allAgents.map((agent) => agent.id), "--all", "--all")
  if (input.configured !== null) return choose(input.configured, "the config's adapters", "adapters:")
  const found = input.found.map((tool) => `${tool.id} (${tool.reason})`)
  return choose(
    [...input.found.map((tool) => tool.id), everyAgentsGuidance],
    `found on this machine: ${found.length === 0 ? "none" : found.join(", ")}; and AGENTS.md, which many agents read`,
    "found"
  )
}
