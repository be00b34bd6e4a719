import type { HookPayload } from "../HookEvent.js"
import {
  asObject,
  asString,
  type JsonObject,
  objectsOf,
  parseObject,
  type PendingCommand,
  type RawDigest,
  stringsOf,
  touchFiles,
  type TranscriptReader
} from "../TranscriptLines.js"
import { type Agent, transcriptPathOf } from "./Agent.js"
import { claudeShapedHooks } from "./claude.js"
import { commandHooks } from "./hooks.js"

// Codex CLI. Hooks: .codex/hooks.json in the Claude Code shape, seconds; they run only once the user trusts them
// (/hooks in Codex). Transcripts: rollout JSONL files under ~/.codex/sessions/.

const rolloutPath = /\/sessions\/(?:.*\/)?rollout-[^/]*$/

const hooks = claudeShapedHooks({
  configPath: () => ".codex/hooks.json",
  // Only Codex payloads carry a turn id.
  recognises: (payload: HookPayload) => payload.turn_id !== undefined || rolloutPath.test(transcriptPathOf(payload))
})

// ---------------------------------------------------------------------------------------------------------------
// Transcript

const lineTypes = new Set(["session_meta", "response_item", "event_msg", "turn_context", "compacted"])

// User-role messages that Codex injects itself (compared case-insensitively, per content item, as Codex does).
const codexInjectedPrefixes = [
  "<environment_context>",
  "<user_instructions>",
  "# agents.md instructions",
  "<skill>",
  "<plugins>",
  "<subagents>",
  "<subagent_notification>",
  "<user_shell_command>",
  "<turn_aborted>",
  "<codex_internal_context",
  "<goal_context>"
]

// 2025 builds wrapped the typed text after this marker.
const codexRequestMarker = "## My request for Codex:"

const codexRequestText = (texts: ReadonlyArray<string>): string | undefined => {
  const parts = texts
    .map((text) => {
      const marker = text.indexOf(codexRequestMarker)
      return (marker >= 0 ? text.slice(marker + codexRequestMarker.length) : text).trim()
    })
    .filter((text) => {
      const lower = text.toLowerCase()
      return text !== "" && !codexInjectedPrefixes.some((prefix) => lower.startsWith(prefix))
    })
  return parts.length > 0 ? parts.join("\n\n") : undefined
}

const contentTexts = (content: unknown, kind: string): ReadonlyArray<string> =>
  objectsOf(content).flatMap((item) => (item.type === kind ? (asString(item.text) ?? []) : []))

/** function_call arguments are a JSON string in real rollouts, an object in some third-party fixtures. */
const codexArguments = (value: unknown): JsonObject => {
  const text = asString(value)
  return (text === undefined ? asObject(value) : parseObject(text)) ?? {}
}

const codexOutputText = (output: unknown): string =>
  asString(output) ??
  objectsOf(output)
    .flatMap((item) => asString(item.text) ?? [])
    .join("\n")

const codexExitCode = (output: string): number | null => {
  if (output.startsWith("{")) {
    const exitCode = asObject(parseObject(output)?.metadata)?.exit_code
    if (typeof exitCode === "number") return exitCode
  }
  // Only the header before "Output:" is Codex's own; the command's output may say anything.
  const outputStart = output.indexOf("Output:")
  const header = outputStart >= 0 ? output.slice(0, outputStart) : output
  const match = /Exit code: (-?\d+)/.exec(header) ?? /Process exited with code (-?\d+)/.exec(header)
  return match ? Number(match[1]) : null
}

/** Paths named by the file headers of an apply_patch patch, in patch order. */
const patchPaths = (patch: string, baseDir: string | undefined): ReadonlyArray<string> =>
  patch.split("\n").flatMap((rawLine) => {
    const match = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/.exec(rawLine.trim())
    if (!match) return []
    const path = match[1]!.trim()
    return baseDir === undefined || path.startsWith("/") ? [path] : [`${baseDir.replace(/\/+$/, "")}/${path}`]
  })

const patchFailure = /apply_patch verification failed|patch rejected/i

const applyPatchNames = new Set(["apply_patch", "applypatch"])

// `[cd <dir> &&] apply_patch <<'EOF' … EOF` inside a shell script; paths are then relative to <dir>.
const applyPatchScript = /^\s*(?:cd\s+("[^"]*"|'[^']*'|[^\s&;]+)\s*&&\s*)?(?:apply_patch|applypatch)\s*<</

const shellWrappers = new Set(["bash", "sh", "zsh", "pwsh", "powershell", "powershell.exe", "cmd", "cmd.exe"])
const shellScriptFlags = new Set(["-lc", "-c", "-Command", "/c", "/C"])

const basename = (path: string) => path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1)

const quoteArg = (arg: string) => (arg !== "" && !/[\s"'\\$`]/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)

interface CodexTurnReplies {
  taskComplete?: string
  agentFinal?: string
  agentAny?: string
  itemFinal?: string
  itemAny?: string
}

// task_complete, then agent_message (final_answer first), then the assistant response item (same).
const bestReply = (turn: CodexTurnReplies): string | undefined =>
  turn.taskComplete ?? turn.agentFinal ?? turn.agentAny ?? turn.itemFinal ?? turn.itemAny

const digest = (lines: ReadonlyArray<JsonObject>): RawDigest => {
  const typedRequests: Array<string> = []
  const itemRequests: Array<string> = []
  const filesEdited = new Set<string>()
  const commands: Array<PendingCommand> = []
  const commandsByCallId = new Map<string, PendingCommand>()
  const patchesByCallId = new Map<string, ReadonlyArray<string>>()
  const runningBySessionId = new Map<string, PendingCommand>()
  const pollsByCallId = new Map<string, PendingCommand>()
  // Replies are judged per turn, so that a stale task_complete of an earlier turn never wins over a newer reply.
  let turn: CodexTurnReplies = {}
  let previousReply: string | undefined

  const startTurn = () => {
    previousReply = bestReply(turn) ?? previousReply
    turn = {}
  }

  const registerCommand = (command: string, callId: string | undefined): PendingCommand => {
    const entry: PendingCommand = { command, exitCode: null }
    commands.push(entry)
    if (callId !== undefined) commandsByCallId.set(callId, entry)
    return entry
  }

  const registerPatch = (patch: string, baseDir: string | undefined, callId: string | undefined) => {
    const paths = patchPaths(patch, baseDir)
    // Without a call id no output can confirm the patch; the header lines are the best evidence there is.
    if (callId === undefined) touchFiles(filesEdited, paths)
    else patchesByCallId.set(callId, paths)
  }

  /** A shell script is a command, unless it only feeds a patch to apply_patch. */
  const registerScript = (script: string, callId: string | undefined): PendingCommand | undefined => {
    const patchCall = applyPatchScript.exec(script)
    if (!patchCall) return registerCommand(script, callId)
    registerPatch(script, patchCall[1]?.replace(/^["']|["']$/g, ""), callId)
    return undefined
  }

  const registerArgv = (argv: ReadonlyArray<string>, callId: string | undefined): PendingCommand | undefined => {
    const [program = "", flag = "", script] = argv
    if (applyPatchNames.has(basename(program)) && flag !== "") {
      registerPatch(flag, undefined, callId)
      return undefined
    }
    const wrapped = argv.length === 3 && shellWrappers.has(basename(program)) && shellScriptFlags.has(flag)
    if (wrapped && script !== undefined) return registerScript(script, callId)
    return argv.length > 0 ? registerCommand(argv.map(quoteArg).join(" "), callId) : undefined
  }

  const registerFunctionCall = (payload: JsonObject) => {
    const callId = asString(payload.call_id)
    const args = codexArguments(payload.arguments)
    const name = asString(payload.name)
    if (name === "shell" || name === "container.exec") {
      registerArgv(stringsOf(args.command), callId)
    } else if (name === "shell_command" || name === "exec_command") {
      const script = asString(name === "shell_command" ? args.command : args.cmd)
      if (script !== undefined) registerScript(script, callId)
    } else if (name === "apply_patch") {
      const patch = asString(args.input)
      if (patch !== undefined) registerPatch(patch, undefined, callId)
    } else if (name === "write_stdin") {
      // Polls a unified-exec session; its output may carry the exit code of the command that started it.
      const running = runningBySessionId.get(String(args.session_id))
      if (running !== undefined && callId !== undefined) pollsByCallId.set(callId, running)
    }
  }

  const resolveOutput = (payload: JsonObject) => {
    const callId = asString(payload.call_id)
    if (callId === undefined) return
    const output = codexOutputText(payload.output)
    const exitCode = codexExitCode(output)
    const patch = patchesByCallId.get(callId)
    if (patch !== undefined) {
      patchesByCallId.delete(callId)
      // Success messages may carry no exit code; failures carry a non-zero one or say so.
      const failed = (exitCode !== null && exitCode !== 0) || patchFailure.test(output)
      if (!failed) touchFiles(filesEdited, patch)
    }
    const command = commandsByCallId.get(callId) ?? pollsByCallId.get(callId)
    if (command === undefined) return
    if (exitCode !== null) command.exitCode = exitCode
    const session = /Process running with session ID (\S+)/.exec(output)
    if (exitCode === null && session) runningBySessionId.set(session[1]!, command)
  }

  const readResponseItem = (payload: JsonObject) => {
    switch (payload.type) {
      case "message": {
        if (payload.role === "user") {
          const request = codexRequestText(contentTexts(payload.content, "input_text"))
          if (request !== undefined) {
            itemRequests.push(request)
            startTurn()
          }
        } else if (payload.role === "assistant") {
          const text = contentTexts(payload.content, "output_text").join("\n\n").trim()
          if (text === "") return
          turn.itemAny = text
          if (payload.phase === "final_answer") turn.itemFinal = text
        }
        return
      }
      case "function_call":
        return registerFunctionCall(payload)
      case "local_shell_call":
        return registerArgv(stringsOf(asObject(payload.action)?.command), asString(payload.call_id))
      case "custom_tool_call": {
        const patch = asString(payload.input)
        if (payload.name === "apply_patch" && patch !== undefined) {
          registerPatch(patch, undefined, asString(payload.call_id))
        }
        return
      }
      case "function_call_output":
      case "custom_tool_call_output":
        return resolveOutput(payload)
    }
  }

  const readEvent = (payload: JsonObject) => {
    switch (payload.type) {
      case "user_message": {
        // 2025 builds also logged injected context here, tagged with a kind other than "plain".
        if (payload.kind !== undefined && payload.kind !== "plain") return
        const request = codexRequestText([asString(payload.message) ?? ""])
        if (request !== undefined) {
          typedRequests.push(request)
          startTurn()
        }
        return
      }
      case "agent_message": {
        const text = asString(payload.message)?.trim()
        if (text === undefined || text === "") return
        turn.agentAny = text
        if (payload.phase === "final_answer") turn.agentFinal = text
        return
      }
      case "task_complete": {
        const text = asString(payload.last_agent_message)?.trim()
        if (text !== undefined && text !== "") turn.taskComplete = text
        return
      }
      case "exec_command_end": {
        const callId = asString(payload.call_id)
        const exitCode = typeof payload.exit_code === "number" ? payload.exit_code : null
        // Usually mirrors a function call already read; otherwise (call cut off by the tail, user shell) it is new.
        const known = callId === undefined ? undefined : commandsByCallId.get(callId)
        const command = known ?? registerArgv(stringsOf(payload.command), callId)
        if (command !== undefined && exitCode !== null) command.exitCode = exitCode
        return
      }
      case "patch_apply_end": {
        const callId = asString(payload.call_id)
        if (callId !== undefined) patchesByCallId.delete(callId)
        if (payload.success === false) return
        const changes = asObject(payload.changes) ?? {}
        touchFiles(
          filesEdited,
          Object.entries(changes).flatMap(([path, change]) => {
            const movedTo = asString(asObject(change)?.move_path)
            return movedTo === undefined ? [path] : [path, movedTo]
          })
        )
        return
      }
    }
  }

  for (const line of lines) {
    const payload = asObject(line.payload)
    if (payload === undefined) continue
    if (line.type === "response_item") readResponseItem(payload)
    else if (line.type === "event_msg") readEvent(payload)
  }

  return {
    // event_msg user_message holds only typed input and mirrors a response item; use it whenever it is there.
    requests: typedRequests.length > 0 ? typedRequests : itemRequests,
    lastAssistant: bestReply(turn) ?? previousReply ?? null,
    filesEdited,
    commands
  }
}

const transcript: TranscriptReader = {
  claims: (line) => lineTypes.has(asString(line.type) ?? "") && asObject(line.payload) !== undefined,
  digest
}

// ---------------------------------------------------------------------------------------------------------------
// Project trust: Codex loads a project's .codex/ (hooks.json included) only for a project its user trusts, recorded in
// $CODEX_HOME/config.toml (~/.codex/config.toml) as `[projects."<root>"]` with `trust_level = "trusted"`.

/** A TOML key as written in a table header: a basic string (JSON's escapes, near enough), a literal one, or bare. */
const tomlKey = (raw: string): string | undefined => {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string
    } catch {
      return undefined
    }
  }
  return raw.startsWith("'") ? raw.slice(1, -1) : raw
}

const projectHeader = /^\s*\[\s*projects\s*\.\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$/
const anyHeader = /^\s*\[/
const trustLevel = /^\s*trust_level\s*=\s*["']([a-z_]+)["']\s*(?:#.*)?$/

/** The trust_level of the `[projects."<root>"]` table, when the file has one in the form Codex writes. */
export const codexTrustOf = (configText: string, root: string): "trusted" | "untrusted" | undefined => {
  let inProject = false
  for (const line of configText.split(/\r?\n/)) {
    const header = projectHeader.exec(line)
    if (header !== null) inProject = tomlKey(header[1]!) === root
    else if (anyHeader.test(line)) inProject = false
    else if (inProject) {
      const level = trustLevel.exec(line)
      if (level !== null) return level[1] === "trusted" ? "trusted" : "untrusted"
    }
  }
  return undefined
}

export const codex: Agent = {
  id: "codex",
  displayName: "Codex CLI",
  quota: { provider: "codex", exact: ["codex_credit_percent_used"], prefixes: ["rate_limit_"] },
  detection: { binaries: ["codex"], configDirs: [".codex"] },
  hooks,
  transcript,
  launch: { program: "codex", promptFlags: [] },
  surfaces: (options) => [commandHooks(codex.id, hooks, options)],
  afterInstall: "Codex runs project hooks only once you trust them: start codex here, open /hooks and trust the handover hooks",
  projectTrust: {
    configFile: (home, env) => `${env.CODEX_HOME || `${home}/.codex`}/config.toml`,
    trustOf: codexTrustOf,
    howToTrust: (root) => `start codex in ${root} and trust the folder when it asks (then trust the handover hooks in /hooks)`
  }
}
