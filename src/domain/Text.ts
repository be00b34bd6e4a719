import * as ParseResult from "effect/ParseResult"

/** Cuts text to at most `limit` characters, ending in "…" when cut, never through a surrogate pair. */
export const clip = (text: string, limit: number): string => {
  if (text.length <= limit) return text
  let end = Math.max(0, limit - 1)
  const lastKept = text.charCodeAt(end - 1)
  if (lastKept >= 0xd800 && lastKept <= 0xdbff) end--
  return `${text.slice(0, end).trimEnd()}…`
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
