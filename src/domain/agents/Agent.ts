import type { CanonicalHookEvent, HookPayload } from "../HookEvent.js"
import type { Surface } from "../Surfaces.js"
import type { TranscriptReader } from "../TranscriptLines.js"

// What handover knows about one coding agent, as data and pure functions. Each agent has its own module in this
// folder and one line in registry.ts; nothing outside this folder names a tool.

/** Which openusage provider reports the tool's quota, and which of its metrics are quota (see the protocol notes). */
export interface QuotaSource {
  readonly provider: string
  /**
   * Providers also report "%" metrics that say nothing about running out (context size, cache hit ratio…), hence an
   * allow-list: metric keys taken as they are, and key prefixes.
   */
  readonly exact: ReadonlyArray<string>
  readonly prefixes: ReadonlyArray<string>
}

/** How to tell that the tool is on this machine. */
export interface Detection {
  /** Executables looked up on PATH. */
  readonly binaries: ReadonlyArray<string>
  /** Directories relative to HOME that the tool creates. */
  readonly configDirs: ReadonlyArray<string>
}

/** One native hook event handover subscribes to. */
export interface NativeHookEvent {
  readonly native: string
  readonly canonical: CanonicalHookEvent
  /** The matcher of the hook group, for tools whose events take one. */
  readonly matcher?: string
}

/**
 * What a SessionStart hook prints so that the tool hands the text to the model: `hookSpecificOutput` is
 * `{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":…}}`, `additionalContext` a top-level
 * `{"additionalContext":…}` (Copilot CLI), `additional_context` the same in snake case (Cursor).
 */
export type SessionStartOutput = "hookSpecificOutput" | "additionalContext" | "additional_context"

/**
 * How the hook config is laid out. `settingsGroups`: entries added to a settings file the user may own too, each a
 * group `{matcher?, hooks: [handler]}` (Claude Code and its copies). `versionedFile`: a file of handover's own,
 * `{"version":1,"hooks":{event: [handler]}}`, handlers without a group (Copilot CLI, Cursor).
 */
export type HookConfigLayout = "settingsGroups" | "versionedFile"

/** The keys of a hook handler object, which tools name differently. */
export interface HandlerKeys {
  readonly command: "command" | "bash"
  readonly timeout: "timeout" | "timeoutSec"
}

export interface HookSurface {
  /** The hook config, relative to the git top level; `shared` asks for the file meant to be committed. */
  readonly configPath: (shared: boolean) => string
  readonly events: ReadonlyArray<NativeHookEvent>
  readonly timeoutUnit: "seconds" | "milliseconds"
  /** Extra fields of the hook handler object beside type, command and timeout. */
  readonly handlerFields: Readonly<Record<string, string>>
  readonly layout: HookConfigLayout
  readonly handlerKeys: HandlerKeys
  /** Whether the payload names its event; where not, the hook command passes `--event`. */
  readonly payloadNamesEvent: boolean
  readonly sessionStartOutput: SessionStartOutput
  /**
   * Tools whose hooks this tool runs as well as its own (Cursor runs Claude Code's): such a hook, called with the other
   * tool's --tool but this tool's payload, stands for this tool's event, which its own hook reports too.
   */
  readonly runsHooksOf?: ReadonlyArray<string>
  /** Whether a payload can only have come from this tool (for hooks installed without --tool). */
  readonly recognises: (payload: HookPayload) => boolean
  /** The payload in handover's vocabulary (the fields Claude-shaped hooks use). */
  readonly canonicalPayload: (payload: HookPayload) => HookPayload
}

/** How to start the tool on a first prompt: `[program, ...promptFlags, prompt]`. */
export interface Launch {
  readonly program: string
  readonly promptFlags: ReadonlyArray<string>
}

export interface SurfaceOptions {
  /** Absolute path of the handover that ran enable, tried first by the hook commands; null to rely on PATH. */
  readonly handoverPath: string | null
  /**
   * The node that ran enable, which then runs that handover: an agent started without node on its PATH (a GUI app)
   * still runs the hooks. Without it the recorded handover runs through its own `#!/usr/bin/env node`.
   */
  readonly nodePath?: string
  /** Write the files meant to be committed rather than the local ones, where the tool has both. */
  readonly shared: boolean
}

/** How a tool that runs a repository's hooks only in projects its user trusts records that trust. */
export interface ProjectTrust {
  /** The user config file that records it (HOME and the environment say where). */
  readonly configFile: (home: string, env: Readonly<Record<string, string | undefined>>) => string
  /** What that file says of the repository at `root`; undefined when it says nothing (the tool then asks). */
  readonly trustOf: (configText: string, root: string) => "trusted" | "untrusted" | undefined
  /** What the user does to trust the repository. */
  readonly howToTrust: (root: string) => string
}

export interface Agent {
  /** The name used on the command line (`--tool`, `--target`, `--format`, `adapters`). */
  readonly id: string
  readonly displayName: string
  /** null where openusage reports no quota for the tool: it is then a source of manual captures only. */
  readonly quota: QuotaSource | null
  readonly detection: Detection
  readonly hooks: HookSurface | null
  /** The tool reports its events to handover through a plugin handover writes, having no shell hooks. */
  readonly plugin?: true
  readonly transcript: TranscriptReader | null
  readonly launch: Launch | null
  /** What `install` writes into the repository for this tool. */
  readonly surfaces: (options: SurfaceOptions) => ReadonlyArray<Surface>
  /** What the user must still do before the tool runs the hooks, said after install. */
  readonly afterInstall?: string
  /** Where the tool loads a repository's hooks only once the project is trusted. */
  readonly projectTrust?: ProjectTrust
}

/** The argv that starts the agent on an initial prompt, or null when it cannot take one. */
export const initialPromptArgv = (agent: Agent, prompt: string): ReadonlyArray<string> | null =>
  agent.launch === null ? null : [agent.launch.program, ...agent.launch.promptFlags, prompt]

/** How handover hears from the tool, as `adapters` says it: hooks, a plugin, or only the guidance it reads. */
export const connectionKind = (agent: Agent): "hooks" | "plugin" | "guidance" =>
  agent.hooks !== null ? "hooks" : agent.plugin === true ? "plugin" : "guidance"

/** Payloads that need no translation. */
export const samePayload = (payload: HookPayload): HookPayload => payload

/** The payload's transcript path with forward slashes, for matching the places a tool keeps its transcripts. */
export const transcriptPathOf = (payload: HookPayload): string => payload.transcript_path?.replace(/\\/g, "/") ?? ""
