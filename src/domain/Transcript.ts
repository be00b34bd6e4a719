import * as Predicate from "effect/Predicate"
import { redactSecrets } from "./Secrets.js"
import { clip } from "./Text.js"

// A deterministic digest of the tail of a Claude Code transcript or a Codex rollout, for automatic summaries.
// Formats: shared/reference/transcripts.md. Both change with nearly every release, so this reads a whitelist of
// line kinds and fields, skips everything else, and never throws on odd input.

export type TranscriptFormat = "claude" | "codex" | "unknown"

export interface TranscriptCommand {
  readonly command: string
  /** null when the transcript does not say (no result yet, interrupted, denied, running in the background). */
  readonly exitCode: number | null
}

export interface TranscriptDigest {
  readonly format: TranscriptFormat
  /** Most recent real user requests, oldest first. */
  readonly requests: ReadonlyArray<string>
  readonly lastAssistant: string | null
  /** Unique paths, ordered by their last edit (most recent last). */
  readonly filesEdited: ReadonlyArray<string>
  /** Most recent last; each command on one line. */
  readonly commands: ReadonlyArray<TranscriptCommand>
}

export interface DigestOptions {
  readonly maxRequests?: number
  readonly maxFiles?: number
  readonly maxCommands?: number
  /** Cap for every text in the digest (requests, last assistant message, commands, paths). */
  readonly maxChars?: number
}

export const defaultDigestOptions: Required<DigestOptions> = {
  maxRequests: 5,
  maxFiles: 30,
  maxCommands: 10,
  maxChars: 500
}

// ---------------------------------------------------------------------------------------------------------------
// JSON access

type JsonObject = { readonly [key: string]: unknown }

const asObject = (value: unknown): JsonObject | undefined => (Predicate.isRecord(value) ? value : undefined)
const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])
const objectsOf = (value: unknown): ReadonlyArray<JsonObject> =>
  asArray(value).flatMap<JsonObject>((item) => asObject(item) ?? [])
const stringsOf = (value: unknown): ReadonlyArray<string> => asArray(value).flatMap((item) => asString(item) ?? [])

const parseObject = (text: string): JsonObject | undefined => {
  try {
    return asObject(JSON.parse(text))
  } catch {
    return undefined
  }
}

/**
 * The JSON objects of the complete lines. The text may be the tail of a file that is still being appended to,
 * so the piece after the last newline is a line in progress and is dropped, and a first line that starts
 * mid-line (or any other line) that does not parse as an object is skipped.
 */
const parseLines = (text: string): ReadonlyArray<JsonObject> => {
  const lines = text.split("\n")
  lines.pop()
  return lines.flatMap<JsonObject>((line) => {
    const trimmed = line.trim()
    // Both agents write one compact object per line; anything else is a fragment.
    return trimmed.startsWith("{") ? (parseObject(trimmed) ?? []) : []
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Format detection

const claudeLineTypes = new Set(["user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation"])
const codexLineTypes = new Set(["session_meta", "response_item", "event_msg", "turn_context", "compacted"])

const formatOfLines = (lines: ReadonlyArray<JsonObject>): TranscriptFormat => {
  let claudeVotes = 0
  let codexVotes = 0
  for (const line of lines) {
    const type = asString(line.type)
    if (type === undefined) continue
    if (codexLineTypes.has(type) && asObject(line.payload) !== undefined) codexVotes++
    else if (claudeLineTypes.has(type)) claudeVotes++
  }
  if (claudeVotes === codexVotes) return "unknown"
  return claudeVotes > codexVotes ? "claude" : "codex"
}

/** Which agent wrote the transcript, judged from the shapes of its lines. */
export const detectTranscriptFormat = (text: string): TranscriptFormat => formatOfLines(parseLines(text))

// ---------------------------------------------------------------------------------------------------------------
// Shared bookkeeping

interface RawDigest {
  readonly requests: ReadonlyArray<string>
  readonly lastAssistant: string | null
  readonly filesEdited: Iterable<string>
  readonly commands: ReadonlyArray<TranscriptCommand>
}

interface PendingCommand {
  readonly command: string
  exitCode: number | null
}

/** Records file edits so that each path appears once, at the position of its latest edit. */
const touchFiles = (files: Set<string>, paths: Iterable<string>) => {
  for (const path of paths) {
    files.delete(path)
    files.add(path)
  }
}

const lastN = <A>(items: ReadonlyArray<A>, count: number): ReadonlyArray<A> =>
  items.slice(Math.max(0, items.length - Math.max(0, Math.floor(count))))

/** Redacts before cutting: a credential cut in half would no longer match its pattern and leak its prefix. */
const truncate = (raw: string, maxChars: number): string => clip(redactSecrets(raw), maxChars)

const singleLine = (text: string) => text.replace(/\s+/g, " ").trim()

const boundDigest = (format: TranscriptFormat, raw: RawDigest, limits: Required<DigestOptions>): TranscriptDigest => ({
  format,
  requests: lastN(raw.requests, limits.maxRequests).map((request) => truncate(request, limits.maxChars)),
  lastAssistant: raw.lastAssistant === null ? null : truncate(raw.lastAssistant, limits.maxChars),
  filesEdited: lastN([...raw.filesEdited], limits.maxFiles).map((path) => truncate(path, limits.maxChars)),
  commands: lastN(raw.commands, limits.maxCommands).map(({ command, exitCode }) => ({
    command: truncate(singleLine(command), limits.maxChars),
    exitCode
  }))
})

// ---------------------------------------------------------------------------------------------------------------
// Claude Code

const claudeEditTools = new Set(["Edit", "MultiEdit", "Write", "NotebookEdit"])

// User text that the harness writes, not the person: slash commands, local command output, `!cmd` shell runs…
const claudeHarnessPrefixes = [
  "<command-name>",
  "<command-message>",
  "<command-args>",
  "<local-command-stdout>",
  "<local-command-stderr>",
  "<local-command-caveat>",
  "<bash-input>",
  "<bash-stdout>",
  "<bash-stderr>",
  "<system-reminder>",
  "<user-memory-input>",
  "<task-notification>",
  "[Request interrupted by user",
  "This session is being continued from a previous conversation"
]

// IDE context and reminders that ride along inside a real prompt.
const claudeEmbeddedContext = /<(ide_opened_file|ide_selection|system-reminder)>[\s\S]*?<\/\1>/g

const textOfBlocks = (content: unknown): ReadonlyArray<string> =>
  typeof content === "string"
    ? [content]
    : objectsOf(content).flatMap((block) => (block.type === "text" ? (asString(block.text) ?? []) : []))

const claudeRequest = (line: JsonObject, content: unknown): string | undefined => {
  if (line.isMeta === true || line.isSidechain === true || line.isCompactSummary === true) return undefined
  // Tool results come back as user lines too.
  if (objectsOf(content).some((block) => block.type === "tool_result")) return undefined
  const parts = textOfBlocks(content)
    .map((text) => text.replace(claudeEmbeddedContext, "").trim())
    .filter((text) => text !== "" && !claudeHarnessPrefixes.some((prefix) => text.startsWith(prefix)))
  return parts.length > 0 ? parts.join("\n\n") : undefined
}

const claudeExitCode = (result: JsonObject): number | null => {
  const match = /^Exit code (-?\d+)/.exec(textOfBlocks(result.content).join("\n"))
  if (match) return Number(match[1])
  return result.is_error === true ? null : 0
}

type ClaudePendingTool =
  | { readonly kind: "edit"; readonly path: string }
  | { readonly kind: "command"; readonly entry: PendingCommand; readonly background: boolean }

const digestClaude = (lines: ReadonlyArray<JsonObject>): RawDigest => {
  const requests: Array<string> = []
  const filesEdited = new Set<string>()
  const commands: Array<PendingCommand> = []
  const pendingTools = new Map<string, ClaudePendingTool>()
  let lastAssistant: { readonly messageId: string | undefined; readonly texts: Array<string> } | undefined

  const registerToolUse = (block: JsonObject) => {
    const id = asString(block.id)
    const name = asString(block.name)
    const input = asObject(block.input) ?? {}
    if (id === undefined || name === undefined) return
    if (claudeEditTools.has(name)) {
      const path = asString(input.file_path) ?? asString(input.notebook_path) ?? asString(input.path)
      if (path !== undefined) pendingTools.set(id, { kind: "edit", path })
    } else if (name === "Bash") {
      const command = asString(input.command)
      if (command === undefined) return
      const entry: PendingCommand = { command, exitCode: null }
      commands.push(entry)
      // A background run's result only says that it started; its exit code arrives later, elsewhere.
      pendingTools.set(id, { kind: "command", entry, background: input.run_in_background === true })
    }
  }

  const resolveToolResult = (block: JsonObject) => {
    const id = asString(block.tool_use_id)
    const tool = id === undefined ? undefined : pendingTools.get(id)
    if (id === undefined || tool === undefined) return
    pendingTools.delete(id)
    if (tool.kind === "edit") {
      if (block.is_error !== true) touchFiles(filesEdited, [tool.path])
    } else if (!tool.background) {
      tool.entry.exitCode = claudeExitCode(block)
    }
  }

  for (const line of lines) {
    const message = asObject(line.message)
    if (message === undefined) continue
    if (line.type === "assistant") {
      for (const block of objectsOf(message.content)) if (block.type === "tool_use") registerToolUse(block)
      if (line.isSidechain === true || message.model === "<synthetic>" || line.isApiErrorMessage === true) continue
      const texts = textOfBlocks(message.content).filter((text) => text.trim() !== "")
      if (texts.length === 0) continue
      const messageId = asString(message.id)
      // One API response is split over several lines sharing message.id; streamed copies repeat a block.
      if (lastAssistant !== undefined && messageId !== undefined && lastAssistant.messageId === messageId) {
        for (const text of texts) if (!lastAssistant.texts.includes(text)) lastAssistant.texts.push(text)
      } else {
        lastAssistant = { messageId, texts: [...texts] }
      }
    } else if (line.type === "user") {
      for (const block of objectsOf(message.content)) if (block.type === "tool_result") resolveToolResult(block)
      const request = claudeRequest(line, message.content)
      if (request !== undefined) requests.push(request)
    }
  }

  return {
    requests,
    lastAssistant: lastAssistant === undefined ? null : lastAssistant.texts.join("\n\n").trim(),
    filesEdited,
    commands
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Codex

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

const digestCodex = (lines: ReadonlyArray<JsonObject>): RawDigest => {
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

// ---------------------------------------------------------------------------------------------------------------

/**
 * Digests a transcript, or the tail of one (it may start mid-line and end in a line still being written).
 * Pure and bounded: at most maxRequests requests, maxFiles files, maxCommands commands, each text maxChars long.
 */
export const digestTranscript = (text: string, options: DigestOptions = {}): TranscriptDigest => {
  const limits: Required<DigestOptions> = { ...defaultDigestOptions, ...options }
  const lines = parseLines(text)
  const format = formatOfLines(lines)
  const raw: RawDigest =
    format === "claude"
      ? digestClaude(lines)
      : format === "codex"
        ? digestCodex(lines)
        : { requests: [], lastAssistant: null, filesEdited: [], commands: [] }
  return boundDigest(format, raw, limits)
}
