import * as Predicate from "effect/Predicate"

// What every transcript reader shares: tolerant JSON access, JSONL tail parsing and the bookkeeping of a digest. The
// readers themselves live with their agents (src/domain/agents/); Transcript.ts picks one and bounds its digest.

export interface TranscriptCommand {
  readonly command: string
  /** null when the transcript does not say (no result yet, interrupted, denied, running in the background). */
  readonly exitCode: number | null
}

/** What a reader finds in a transcript, before the digest is bounded and redacted. */
export interface RawDigest {
  /** Real user requests, oldest first. */
  readonly requests: ReadonlyArray<string>
  readonly lastAssistant: string | null
  /** Each path once, ordered by its last edit (most recent last). */
  readonly filesEdited: Iterable<string>
  readonly commands: ReadonlyArray<TranscriptCommand>
}

export type JsonObject = { readonly [key: string]: unknown }

/** An agent's transcript format. Formats change with nearly every release: read a whitelist, skip the rest, never throw. */
export interface TranscriptReader {
  /** Whether a line has a shape that only this format writes; the format with the most such lines wins. */
  readonly claims: (line: JsonObject) => boolean
  readonly digest: (lines: ReadonlyArray<JsonObject>) => RawDigest
}

export const asObject = (value: unknown): JsonObject | undefined => (Predicate.isRecord(value) ? value : undefined)
export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])
export const objectsOf = (value: unknown): ReadonlyArray<JsonObject> =>
  asArray(value).flatMap<JsonObject>((item) => asObject(item) ?? [])
export const stringsOf = (value: unknown): ReadonlyArray<string> =>
  asArray(value).flatMap((item) => asString(item) ?? [])

export const parseObject = (text: string): JsonObject | undefined => {
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
export const parseLines = (text: string): ReadonlyArray<JsonObject> => {
  const lines = text.split("\n")
  lines.pop()
  return lines.flatMap<JsonObject>((line) => {
    const trimmed = line.trim()
    // The agents write one compact object per line; anything else is a fragment.
    return trimmed.startsWith("{") ? (parseObject(trimmed) ?? []) : []
  })
}

/** A command whose exit code a later line may fill in. */
export interface PendingCommand {
  readonly command: string
  exitCode: number | null
}

/** Records file edits so that each path appears once, at the position of its latest edit. */
export const touchFiles = (files: Set<string>, paths: Iterable<string>) => {
  for (const path of paths) {
    files.delete(path)
    files.add(path)
  }
}
