import type { PatchFile, SecretFinding } from "./Bundle.js"

/** Patterns of credentials that must not travel in a bundle unnoticed. Kept specific to avoid noise. */
const contentPatterns: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ["private key", /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/],
  ["AWS access key", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/],
  ["Anthropic API key", /\bsk-ant-[A-Za-z0-9_-]{20,}/],
  ["OpenAI API key", /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/],
  ["Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}/],
  ["Stripe live key", /\b[rs]k_live_[0-9A-Za-z]{20,}/],
  ["npm token", /\bnpm_[A-Za-z0-9]{36}\b/],
  [
    "assigned secret",
    /\b(?:api[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|password)\b["']?\s*[:=]\s*["'][^"'\s]{12,}["']/i
  ]
]

const secretFileNames = /(?:^|\/)(?:\.env(?:\.(?!example$|sample$|template$|dist$)[^/]+)?|id_(?:rsa|dsa|ecdsa|ed25519)|\.netrc|\.pgpass|[^/]+\.(?:pem|key|p12|pfx))$/

/** Findings about file names: an `.env` or a key file in the patch is worth a warning whatever it holds. */
export const scanPaths = (files: ReadonlyArray<PatchFile>): ReadonlyArray<SecretFinding> =>
  files
    .filter((file) => file.status !== "deleted" && secretFileNames.test(file.path))
    .map((file) => ({ path: file.path, line: null, kind: "sensitive file name" }))

export const scanLine = (text: string): string | undefined =>
  contentPatterns.find(([, pattern]) => pattern.test(text))?.[0]

/** Replaces every credential-looking match in free text (summaries built from transcripts). */
export const redactSecrets = (text: string): string =>
  contentPatterns.reduce(
    (acc, [, pattern]) => acc.replace(new RegExp(pattern.source, pattern.flags + "g"), "[REDACTED]"),
    text
  )

const maxFindings = 100
const maxLineChars = 64 * 1024

const unquotePath = (raw: string): string => {
  if (!raw.startsWith("\"")) return raw
  // git C-quotes unusual names: octal escapes are UTF-8 bytes.
  const bytes: Array<number> = []
  const body = raw.slice(1, -1)
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"))
      continue
    }
    const next = body[i + 1]!
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8))
      i += 3
    } else {
      bytes.push(({ n: 10, t: 9, r: 13, b: 8, f: 12, a: 7, v: 11 } as Record<string, number>)[next] ?? next.charCodeAt(0))
      i += 1
    }
  }
  return Buffer.from(bytes).toString("utf8")
}

const bytesOf = (text: string) => Buffer.from(text, "latin1")
const [plusHeader, diffHeader, hunkHeader] = ["+++ ", "diff --git ", "@@ "].map(bytesOf) as [Buffer, Buffer, Buffer]
const nextHeader = bytesOf("\ndiff --git ")
const binaryMarker = bytesOf("GIT binary patch")
const startsWith = (line: Buffer, prefix: Buffer) =>
  line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
const [plus, minus, space] = [0x2b, 0x2d, 0x20]

/**
 * Scans a unified diff as it streams past, looking only at added lines. Hunk headers give the line counts, so a
 * content line that happens to start with "+++" is never mistaken for a file header. Lines are split as bytes and only
 * added lines and headers are decoded; the base85 data after "GIT binary patch" (most of a patch with binaries) is
 * skipped unread up to the next "diff --git " line, which that data (no spaces) cannot contain.
 */
export const makePatchScanner = () => {
  const findings: Array<SecretFinding> = []
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  const pending: Array<Buffer> = []
  let pendingBytes = 0
  let overlong = false
  let skipping = false
  // While skipping: the last bytes seen, so that a header split between chunks is still found.
  let skipTail = Buffer.alloc(0)
  let path = ""
  let oldLeft = 0
  let newLeft = 0
  let newLine = 0

  /** A line's text, its head only when huge (minified or generated), so that memory stays flat. */
  const text = (line: Buffer) => {
    const decoded = decoder.decode(line)
    return decoded.length > maxLineChars ? decoded.slice(0, maxLineChars) : decoded
  }

  const onLine = (line: Buffer) => {
    if (oldLeft > 0 || newLeft > 0) {
      const marker = line.length === 0 ? undefined : line[0]
      if (marker === plus) {
        const kind = findings.length < maxFindings ? scanLine(text(line).slice(1)) : undefined
        if (kind !== undefined) findings.push({ path, line: newLine, kind })
        newLeft--
        newLine++
      } else if (marker === minus) {
        oldLeft--
      } else if (marker === space || marker === undefined) {
        oldLeft--
        newLeft--
        newLine++
      }
      return
    }
    if (startsWith(line, plusHeader)) {
      // git ends the name with a tab when it contains a space, quoted or not.
      const target = text(line).slice(4).replace(/\t$/, "")
      if (target !== "/dev/null") path = unquotePath(target).replace(/^b\//, "")
    } else if (startsWith(line, diffHeader)) {
      path = ""
    } else if (startsWith(line, hunkHeader)) {
      const match = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(text(line))
      if (match !== null) {
        oldLeft = match[1] === undefined ? 1 : Number(match[1])
        newLine = Number(match[2])
        newLeft = match[3] === undefined ? 1 : Number(match[3])
      }
    } else if (line.equals(binaryMarker)) {
      skipping = true
      skipTail = Buffer.from("\n")
    }
  }

  const takePending = (rest: Buffer) => {
    const line = pending.length === 0 ? rest : Buffer.concat([...pending, rest])
    pending.length = 0
    pendingBytes = 0
    return line
  }

  /** Where scanning resumes in chunk (from `from`) after binary data, with the header's start put back in pending. */
  const resumeAfterBinary = (chunk: Buffer, from: number): number => {
    const joined = Buffer.concat([skipTail, chunk.subarray(from, from + nextHeader.length)])
    const across = joined.indexOf(nextHeader)
    if (across >= 0) {
      const lineStart = across + 1
      if (lineStart < skipTail.length) {
        pending.push(joined.subarray(lineStart, skipTail.length))
        pendingBytes = skipTail.length - lineStart
        return from
      }
      return from + lineStart - skipTail.length
    }
    const found = chunk.indexOf(nextHeader, from)
    if (found >= 0) return found + 1
    skipTail = Buffer.from(Buffer.concat([skipTail, chunk.subarray(Math.max(from, chunk.length - nextHeader.length))])
      .subarray(-(nextHeader.length - 1)))
    return -1
  }

  const push = (bytes: Uint8Array): void => {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let start = 0
    while (start < chunk.length) {
      if (skipping) {
        const resumed = resumeAfterBinary(chunk, start)
        if (resumed < 0) return
        skipping = false
        start = resumed
        continue
      }
      const newline = chunk.indexOf(0x0a, start)
      if (newline < 0) break
      const line = takePending(chunk.subarray(start, newline))
      if (!overlong) onLine(line)
      overlong = false
      start = newline + 1
    }
    if (overlong || skipping || start >= chunk.length) return
    // Copied: the caller may reuse the chunk's memory.
    pending.push(Buffer.from(chunk.subarray(start)))
    pendingBytes += chunk.length - start
    // Four bytes per character at most: past this, the line's head is known.
    if (pendingBytes > 4 * maxLineChars) {
      onLine(takePending(Buffer.alloc(0)))
      overlong = true
    }
  }

  return {
    push,
    finish: (): ReadonlyArray<SecretFinding> => {
      if (pendingBytes > 0 && !overlong && !skipping) onLine(takePending(Buffer.alloc(0)))
      pending.length = 0
      pendingBytes = 0
      return findings
    }
  }
}
