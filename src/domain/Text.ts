import type * as FileSystem from "@effect/platform/FileSystem"
import * as ParseResult from "effect/ParseResult"

/** Cuts text to at most `limit` characters, ending in "…" when cut, never through a surrogate pair. */
export const clip = (text: string, limit: number): string => {
  if (text.length <= limit) return text
  let end = Math.max(0, limit - 1)
  const lastKept = text.charCodeAt(end - 1)
  if (lastKept >= 0xd800 && lastKept <= 0xdbff) end--
  return `${text.slice(0, end).trimEnd()}…`
}

/** Like clip, but ends at a word boundary, so no word is cut in half (one word longer than the limit still is). */
export const clipAtWord = (text: string, limit: number): string => {
  if (text.length <= limit) return text
  const kept = text.slice(0, Math.max(0, limit - 1))
  const end = /\s/.test(text.charAt(kept.length)) ? kept.length : kept.search(/\s\S*$/)
  return end > 0 ? `${kept.slice(0, end).trimEnd()}…` : clip(text, limit)
}

/** The first problem a schema found, as a dotted field path and a one-line reason, for messages a user can act on. */
export const firstIssue = (error: ParseResult.ParseError): { readonly field: string; readonly reason: string } => {
  let issue: ParseResult.ArrayFormatterIssue | undefined
  try {
    issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  } catch {
    // The formatter quotes the offending value recursively: one nested thousands of levels deep overflows the stack.
    return { field: "", reason: "nested too deeply to describe" }
  }
  if (issue === undefined) return { field: "", reason: "invalid" }
  // A mismatch of a whole object quotes its full schema: too long for a message that must fit on one line.
  const reason = issue.message.length > 160 ? "wrong shape" : issue.message.replace(/\s+/g, " ")
  return { field: issue.path.join("."), reason }
}

// What must not reach a terminal raw from text a repository, a hook payload or the daemon supplied: C0 controls
// (ESC starts CSI/OSC sequences that clear the screen, retitle it or write the clipboard), DEL, C1 controls (0x9b is a
// one-byte CSI), and the bidi embeddings, overrides and isolates that make text read differently than it is.
const unprintable = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const unprintableInBlock = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const namedEscapes: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }

const visibleEscape = (char: string): string => {
  const code = char.charCodeAt(0)
  return namedEscapes[char] ?? (code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`)
}

/** Untrusted text for a one-line field (title, id, tool, path): every control character shown as a visible escape. */
export const printableLine = (text: string): string => text.replace(unprintable, visibleEscape)

/** Untrusted multi-line text (a summary, a next step): like printableLine, but line breaks and tabs stay. */
export const printableBlock = (text: string): string =>
  text.replace(/\r\n/g, "\n").replace(unprintableInBlock, visibleEscape)

const fileTypeNames: Record<FileSystem.File.Type, string> = {
  File: "a regular file",
  Directory: "a directory",
  SymbolicLink: "a symbolic link",
  BlockDevice: "a block device",
  CharacterDevice: "a character device",
  FIFO: "a named pipe",
  Socket: "a socket",
  Unknown: "a special file"
}

/** "a named pipe", "a directory"…: what stands where a regular file was expected, for messages. */
export const fileTypeName = (type: FileSystem.File.Type): string => fileTypeNames[type]
