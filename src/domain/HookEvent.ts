import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { agentById, hookAgents } from "./agents/registry.js"

// Hook payloads that the agents write on stdin (see shared/reference/agent-surfaces.md), in the Claude Code shape most
// of them share; an adapter maps its tool's own fields onto it (canonicalPayload).
// A hook must never fail because an agent renamed or retyped one field, so every field is optional,
// unknown fields are ignored, and a field of the wrong type is dropped instead of failing the payload.

/** An optional field that keeps its value only when the value has the expected type. */
const lenient = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalToOptional(Schema.Unknown, Schema.typeSchema(schema), {
    decode: Option.filter(Schema.is(schema)),
    encode: identity
  })

/** Fields every event carries (transcript_path is null for ephemeral sessions). */
export const HookCommonFields = {
  session_id: lenient(Schema.String),
  transcript_path: lenient(Schema.NullOr(Schema.String)),
  cwd: lenient(Schema.String),
  hook_event_name: lenient(Schema.String),
  permission_mode: lenient(Schema.String),
  model: lenient(Schema.String),
  source: lenient(Schema.String)
}

/** UserPromptSubmit adds the prompt (and on some tools the turn id). */
export const UserPromptSubmitFields = {
  prompt: lenient(Schema.String),
  turn_id: lenient(Schema.String)
}

/** Stop adds the loop guard and, on newer clients, the final assistant text. */
export const StopFields = {
  stop_hook_active: lenient(Schema.Boolean),
  last_assistant_message: lenient(Schema.String),
  turn_id: lenient(Schema.String)
}

/** Fields under another name than the Claude Code shape's, which their tool's adapter maps. */
export const NativeFields = {
  /** The turn's final reply, at the end of a turn (AfterAgent). */
  prompt_response: lenient(Schema.String),
  /** Copilot CLI's camelCase session_id and transcript_path. */
  sessionId: lenient(Schema.String),
  transcriptPath: lenient(Schema.NullOr(Schema.String)),
  /** Cursor's session id. */
  conversation_id: lenient(Schema.String)
}

// One struct for every event: the event name may be missing or unknown, so a union keyed on it would not help.
export const HookPayloadSchema = Schema.Struct({
  ...HookCommonFields,
  ...UserPromptSubmitFields,
  ...StopFields,
  ...NativeFields
})

export type HookPayload = typeof HookPayloadSchema.Type & {
  /** Set when stdin held something other than a JSON object, so the caller can log it. */
  readonly malformed?: true
}

const decodePayload = Schema.decodeUnknownEither(HookPayloadSchema)

/** Parses hook stdin; never throws. Blank stdin is an empty payload, anything but a JSON object is marked malformed. */
export const parseHookPayload = (stdinText: string): HookPayload => {
  if (stdinText.trim() === "") return {}
  let json: unknown
  try {
    json = JSON.parse(stdinText)
  } catch {
    return { malformed: true }
  }
  if (!Predicate.isRecord(json)) return { malformed: true }
  return Either.getOrElse(decodePayload(json), (): HookPayload => ({ malformed: true }))
}

export const canonicalHookEvents = ["SessionStart", "UserPromptSubmit", "Stop"] as const
export type CanonicalHookEvent = (typeof canonicalHookEvents)[number]

const eventKey = (name: string) => name.toLowerCase().replace(/[-_\s]/g, "")

/**
 * Maps a spelling of a known event ("stop", "sessionStart", "user_prompt_submit") to its canonical name;
 * other names come back trimmed but otherwise as given.
 */
export const normalizeHookEventName = (name: string): string => {
  const trimmed = name.trim()
  return canonicalHookEvents.find((event) => eventKey(event) === eventKey(trimmed)) ?? trimmed
}

/** Which agent sent the payload, when exactly one agent recognises it as its own. */
export const inferToolFromPayload = (payload: HookPayload): string | null => {
  const senders = hookAgents.filter((agent) => agent.hooks.recognises(payload))
  return senders.length === 1 ? senders[0]!.id : null
}

export interface HookContext {
  readonly tool: string | null
  readonly event: string | null
}

const nonBlank = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === "" ? undefined : trimmed
}

/** The canonical name of an event: the tool's own name for it (Gemini's AfterAgent is Stop), else a known spelling. */
const canonicalEventName = (tool: string | null, name: string): string => {
  const native = tool === null ? undefined : agentById(tool)?.hooks?.events.find((event) =>
    eventKey(event.native) === eventKey(name)
  )
  return native?.canonical ?? normalizeHookEventName(name)
}

/**
 * The tool a hook call is for: its --tool, unless the payload is from a tool that runs that tool's hooks too (Cursor
 * running Claude Code's), so that one event makes one capture, by the tool where it happened.
 */
const hostOf = (flagTool: string, sender: string | null): string =>
  sender !== null && agentById(sender)?.hooks?.runsHooksOf?.includes(flagTool) === true ? sender : flagTool

/** Tool and event of a hook call: explicit flags win, else what the payload says. Events get their canonical names. */
export const resolveHookContext = (input: {
  readonly flagTool?: string | undefined
  readonly flagEvent?: string | undefined
  readonly payload: HookPayload
}): HookContext => {
  const flagTool = nonBlank(input.flagTool)
  const eventName = nonBlank(input.flagEvent) ?? nonBlank(input.payload.hook_event_name)
  const sender = inferToolFromPayload(input.payload)
  const tool = flagTool === undefined ? sender : hostOf(flagTool.toLowerCase(), sender)
  return { tool, event: eventName !== undefined ? canonicalEventName(tool, eventName) : null }
}

/** The payload in handover's vocabulary, as the tool's adapter maps it; unknown tools' payloads are taken as they are. */
export const canonicalPayload = (tool: string | null, payload: HookPayload): HookPayload => {
  const hooks = tool === null ? undefined : agentById(tool)?.hooks
  return hooks ? hooks.canonicalPayload(payload) : payload
}
