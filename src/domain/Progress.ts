import type { StreamFacts } from "./Style.js"

// Progress for work that can last seconds (a capture's patch, the apply check): one line on stderr, redrawn in place
// and erased when the work ends, so that what the command prints afterwards stays clean.

/**
 * Whether progress shows on a stream: only on a terminal that can redraw a line (TERM=dumb cannot). Colour settings
 * do not matter: progress is not colour. Commands ask only for stderr, and never with --json or in a hook.
 */
export const showsProgress = ({ env, isTTY }: StreamFacts): boolean => isTTY && env["TERM"] !== "dumb"

/** Redraws of the same step at most this often; a new step is drawn at once. */
export const progressIntervalMillis = 100

export interface ProgressState {
  /** What is being done, e.g. "checking the patch applies". */
  readonly step: string
  /** The patch written so far, when the step writes one. */
  readonly patch: { readonly files: number; readonly bytes: number } | null
}

const units = ["bytes", "KiB", "MiB", "GiB"] as const

/** 839 bytes, 12.3 KiB, 4.0 MiB. */
export const formatBytes = (bytes: number): string => {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} ${bytes === 1 ? "byte" : "bytes"}` : `${value.toFixed(1)} ${units[unit]}`
}

/** The progress line, cut to the terminal's width so that it never wraps (a wrapped line cannot be redrawn). */
export const progressLine = (state: ProgressState, columns: number): string => {
  const patch = state.patch === null
    ? "…"
    : `: ${state.patch.files} ${state.patch.files === 1 ? "file" : "files"}, ${formatBytes(state.patch.bytes)}`
  const line = `handover: ${state.step}${patch}`
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`
}

/** Whether an update of the step on screen is drawn now: at most once per interval since the last draw. */
export const redrawDue = (lastDrawMillis: number | null, nowMillis: number): boolean =>
  lastDrawMillis === null || nowMillis - lastDrawMillis >= progressIntervalMillis

/** Carriage return, the line, and erase to its end: the line replaces whatever was drawn before. */
export const drawLine = (line: string): string => `\r${line}\x1b[K`

/** Erases the progress line, leaving the cursor at its start. */
export const eraseLine = "\r\x1b[K"

const fileHeader = Buffer.from("\ndiff --git ")

/**
 * Counts the files of a `git diff` patch as its bytes stream: each file starts with a "diff --git " line (a line of
 * content starts with " ", "+", "-" or "\\", a binary literal line with a base85 length character, so none can look
 * like it). A header split between two chunks counts once.
 */
export const makePatchFileCounter = () => {
  // The end of the previous chunk, shorter than a header, so a header across the boundary is seen exactly once.
  let tail: Buffer = Buffer.from("\n")
  let files = 0
  const countIn = (bytes: Buffer) => {
    for (let at = bytes.indexOf(fileHeader); at !== -1; at = bytes.indexOf(fileHeader, at + 1)) files++
  }
  return {
    push: (chunk: Uint8Array): number => {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      countIn(Buffer.concat([tail, bytes.subarray(0, fileHeader.length - 1)]))
      countIn(bytes)
      const joined = bytes.length >= fileHeader.length - 1 ? bytes : Buffer.concat([tail, bytes])
      tail = Buffer.from(joined.subarray(Math.max(0, joined.length - (fileHeader.length - 1))))
      return files
    }
  }
}
