import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

// Hook payloads that Claude Code and Codex write on stdin (see shared/reference/agent-surfaces.md).
// A hook must never fail because an agent renamed or retyped one field, so every field is optional,
// unknown fields are ignored, and a field of the wrong type is dropped instead of failing the payload.

/** An optional field that keeps its value only when the value has the expected type. */
const lenient = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalToOptional(Schema.Unknown, Schema.typeSchema(schema), {
    decode: Option.filter(Schema.is(schema)),
    encode: identity
  })

/** Fields every event carries (Codex: transcript_path is null for ephemeral sessions). */
export const HookCommonFields = {
  session_id: lenient(Schema.String),
  transcript_path: lenient(Schema.NullOr(Schema.String)),
  cwd: lenient(Schema.String),
  hook_event_name: lenient(Schema.String),
  permission_mode: lenient(Schema.String),
  model: lenient(Schema.String),
  source: lenient(Schema.String)
}

/** UserPromptSubmit adds the prompt (and on Codex the turn id). */
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

// One struct for every event: the event name may be missing or unknown, so a union keyed on it would not help.
export const HookPayloadSchema = Schema.Struct({
  ...HookCommonFields,
  ...UserPromptSubmitFields,
  ...StopFields
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

const codexRolloutPath = /\/sessions\/(?:.*\/)?rollout-[^/]*$/
const claudeTranscriptPath = /\/(?:\.claude|\.config\/claude)\/projects\/.*\.jsonl$/

/** Which agent sent the payload, when the payload alone says so unambiguously. */
export const inferToolFromPayload = (payload: HookPayload): "claude" | "codex" | null => {
  const path = payload.transcript_path?.replace(/\\/g, "/") ?? ""
  const looksCodex = payload.turn_id !== undefined || codexRolloutPath.test(path)
  const looksClaude = claudeTranscriptPath.test(path)
  if (looksCodex === looksClaude) return null
  return looksCodex ? "codex" : "claude"
}

export interface HookContext {
  readonly tool: string | null
  readonly event: string | null
}

const nonBlank = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === "" ? undefined : trimmed
}

/** Tool and event of a hook call: explicit flags win, else what the payload says. */
export const resolveHookContext = (input: {
  readonly flagTool?: string | undefined
  readonly flagEvent?: string | undefined
  readonly payload: HookPayload
}): HookContext => {
  const flagTool = nonBlank(input.flagTool)
  const eventName = nonBlank(input.flagEvent) ?? nonBlank(input.payload.hook_event_name)
  return {
    tool: flagTool !== undefined ? flagTool.toLowerCase() : inferToolFromPayload(input.payload),
    event: eventName !== undefined ? normalizeHookEventName(eventName) : null
  }
}
