import type { Agent, HookSurface } from "./Agent.js"
import { agents as agentsMd } from "./agents.js"
import { aider } from "./aider.js"
import { claude } from "./claude.js"
import { cline } from "./cline.js"
import { codex } from "./codex.js"
import { continueAgent } from "./continue.js"
import { copilot } from "./copilot.js"
import { copilotInstructions } from "./copilotInstructions.js"
import { cursor } from "./cursor.js"
import { gemini } from "./gemini.js"
import { kilo } from "./kilo.js"
import { opencode } from "./opencode.js"
import { qwen } from "./qwen.js"
import { windsurf } from "./windsurf.js"
import { zed } from "./zed.js"

// Every agent handover knows, in the order `adapters` lists them. Adding an agent: its module and one line here.

export const allAgents: ReadonlyArray<Agent> = [
  claude,
  codex,
  gemini,
  qwen,
  copilot,
  opencode,
  kilo,
  agentsMd,
  cursor,
  windsurf,
  continueAgent,
  cline,
  copilotInstructions,
  aider,
  zed
]

export const agentById = (id: string): Agent | undefined => allAgents.find((agent) => agent.id === id)

/** The agents with hooks, each with its hook surface. */
export const hookAgents: ReadonlyArray<Agent & { readonly hooks: HookSurface }> = allAgents.flatMap((agent) =>
  agent.hooks === null ? [] : [{ ...agent, hooks: agent.hooks }]
)

/** The ids `session-start --format` accepts besides plain. */
export const hookAgentIds = hookAgents.map((agent) => agent.id)

/** The agent whose quota the openusage provider reports. */
export const agentByProvider = (provider: string): Agent | undefined =>
  allAgents.find((agent) => agent.quota?.provider === provider)

/** The transcript formats handover reads, named by their agent. */
export const transcriptReaders = allAgents.flatMap((agent) =>
  agent.transcript === null ? [] : [{ id: agent.id, reader: agent.transcript }]
)
