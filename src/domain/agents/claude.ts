import type { HookPayload } from "../HookEvent.js"
import {
  asObject,
  asString,
  type JsonObject,
  objectsOf,
  type PendingCommand,
  type RawDigest,
  touchFiles,
  type TranscriptReader
} from "../TranscriptLines.js"
import { type Agent, type HookSurface, samePayload, transcriptPathOf } from "./Agent.js"
import { claudeHandlerKeys, commandHooks } from "./hooks.js"

// Claude Code. Hooks: .claude/settings(.local).json, seconds; transcripts: JSONL under ~/.claude/projects/.

const transcriptPath = /\/(?:\.claude|\.config\/claude)\/projects\/.*\.jsonl$/

/** The hook events Claude Code introduced and other tools copied (Codex, Qwen Code). */
export const claudeShapedEvents: HookSurface["events"] = [
  { native: "SessionStart", canonical: "SessionStart", matcher: "startup|resume|clear|compact" },
  { native: "UserPromptSubmit", canonical: "UserPromptSubmit" },
  { native: "Stop", canonical: "Stop" }
]

/** The hook surface of a tool that copied Claude Code's: only where its config is and how to know its payloads differ. */
export const claudeShapedHooks = (
  own: Pick<HookSurface, "configPath" | "recognises"> & Partial<Pick<HookSurface, "canonicalPayload">>
): HookSurface => ({
  events: claudeShapedEvents,
  timeoutUnit: "seconds",
  handlerFields: {},
  sessionStartOutput: "hookSpecificOutput",
  layout: "settingsGroups",
  handlerKeys: claudeHandlerKeys,
  payloadNamesEvent: true,
  canonicalPayload: samePayload,
  ...own
})

const hooks = claudeShapedHooks({
  configPath: (shared) => shared ? ".claude/settings.json" : ".claude/settings.local.json",
  recognises: (payload: HookPayload) => transcriptPath.test(transcriptPathOf(payload))
})

// ---------------------------------------------------------------------------------------------------------------
// Transcript

const lineTypes = new Set(["user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation"])

const editTools = new Set(["Edit", "MultiEdit", "Write", "NotebookEdit"])

// User text that the harness writes, not the person: slash commands, local command output, `!cmd` shell runs…
const harnessPrefixes = [
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
const embeddedContext = /<(ide_opened_file|ide_selection|system-reminder)>[\s\S]*?<\/\1>/g

const textOfBlocks = (content: unknown): ReadonlyArray<string> =>
  typeof content === "string"
    ? [content]
    : objectsOf(content).flatMap((block) => (block.type === "text" ? (asString(block.text) ?? []) : []))

const requestOf = (line: JsonObject, content: unknown): string | undefined => {
  if (line.isMeta === true || line.isSidechain === true || line.isCompactSummary === true) return undefined
  // Tool results come back as user lines too.
  if (objectsOf(content).some((block) => block.type === "tool_result")) return undefined
  const parts = textOfBlocks(content)
    .map((text) => text.replace(embeddedContext, "").trim())
    .filter((text) => text !== "" && !harnessPrefixes.some((prefix) => text.startsWith(prefix)))
  return parts.length > 0 ? parts.join("\n\n") : undefined
}

const exitCodeOf = (result: JsonObject): number | null => {
  const match = /^Exit code (-?\d+)/.exec(textOfBlocks(result.content).join("\n"))
  if (match) return Number(match[1])
  return result.is_error === true ? null : 0
}

type PendingTool =
  | { readonly kind: "edit"; readonly path: string }
  | { readonly kind: "command"; readonly entry: PendingCommand; readonly background: boolean }

const digest = (lines: ReadonlyArray<JsonObject>): RawDigest => {
  const requests: Array<string> = []
  const filesEdited = new Set<string>()
  const commands: Array<PendingCommand> = []
  const pendingTools = new Map<string, PendingTool>()
  let lastAssistant: { readonly messageId: string | undefined; readonly texts: Array<string> } | undefined

  const registerToolUse = (block: JsonObject) => {
    const id = asString(block.id)
    const name = asString(block.name)
    const input = asObject(block.input) ?? {}
    if (id === undefined || name === undefined) return
    if (editTools.has(name)) {
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
      tool.entry.exitCode = exitCodeOf(block)
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
      const request = requestOf(line, message.content)
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

const transcript: TranscriptReader = {
  claims: (line) => lineTypes.has(asString(line.type) ?? ""),
  digest
}

export const claude: Agent = {
  id: "claude",
  displayName: "Claude Code",
  quota: { provider: "claude_code", exact: ["usage_five_hour", "usage_seven_day"], prefixes: ["usage_seven_day_"] },
  detection: { binaries: ["claude"], configDirs: [".claude"] },
  hooks,
  transcript,
  launch: { program: "claude", promptFlags: [] },
  surfaces: (options) => [commandHooks(claude.id, hooks, options)]
}
