import { transcriptReaders } from "./agents/registry.js"
import { redactSecrets } from "./Secrets.js"
import { clip } from "./Text.js"
import { type JsonObject, parseLines, type RawDigest, type TranscriptCommand } from "./TranscriptLines.js"

// A deterministic digest of the tail of an agent's transcript, for automatic summaries. Formats:
// shared/reference/transcripts.md; each agent's reader lives with its adapter (src/domain/agents/).

/** The id of the agent whose format the transcript has, or "unknown". */
export type TranscriptFormat = string

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
// Format detection

/** The reader of the agent with the most lines of its own shape; none on a tie. */
const readerOf = (lines: ReadonlyArray<JsonObject>) => {
  const [first, second] = transcriptReaders
    .map((entry) => ({ ...entry, votes: lines.filter(entry.reader.claims).length }))
    .sort((a, b) => b.votes - a.votes)
  return first === undefined || first.votes === 0 || first.votes === second?.votes ? undefined : first
}

/** Which agent wrote the transcript, judged from the shapes of its lines. */
export const detectTranscriptFormat = (text: string): TranscriptFormat => readerOf(parseLines(text))?.id ?? "unknown"

// ---------------------------------------------------------------------------------------------------------------
// Bounds

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

/**
 * Digests a transcript, or the tail of one (it may start mid-line and end in a line still being written).
 * Pure and bounded: at most maxRequests requests, maxFiles files, maxCommands commands, each text maxChars long.
 */
export const digestTranscript = (text: string, options: DigestOptions = {}): TranscriptDigest => {
  const limits: Required<DigestOptions> = { ...defaultDigestOptions, ...options }
  const lines = parseLines(text)
  const found = readerOf(lines)
  const raw: RawDigest = found === undefined
    ? { requests: [], lastAssistant: null, filesEdited: [], commands: [] }
    : found.reader.digest(lines)
  return boundDigest(found?.id ?? "unknown", raw, limits)
}
