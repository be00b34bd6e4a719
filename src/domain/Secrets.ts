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

/**
 * Scans a unified diff as it streams past, looking only at added lines. Hunk headers give the line counts, so a
 * content line that happens to start with "+++" is never mistaken for a file header.
 */
export const makePatchScanner = () => {
  const findings: Array<SecretFinding> = []
  const decoder = new TextDecoder()
  let pending = ""
  let overlong = false
  let path = ""
  let oldLeft = 0
  let newLeft = 0
  let newLine = 0

  const onLine = (line: string) => {
    if (oldLeft > 0 || newLeft > 0) {
      const marker = line.charAt(0)
      if (marker === "+") {
        const kind = findings.length < maxFindings ? scanLine(line.slice(1)) : undefined
        if (kind !== undefined) findings.push({ path, line: newLine, kind })
        newLeft--
        newLine++
      } else if (marker === "-") {
        oldLeft--
      } else if (marker === " " || marker === "") {
        oldLeft--
        newLeft--
        newLine++
      }
      return
    }
    if (line.startsWith("+++ ")) {
      // git ends the name with a tab when it contains a space, quoted or not.
      const target = line.slice(4).replace(/\t$/, "")
      if (target !== "/dev/null") path = unquotePath(target).replace(/^b\//, "")
    } else if (line.startsWith("diff --git ")) {
      path = ""
    } else if (line.startsWith("@@ ")) {
      const match = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line)
      if (match !== null) {
        oldLeft = match[1] === undefined ? 1 : Number(match[1])
        newLine = Number(match[2])
        newLeft = match[3] === undefined ? 1 : Number(match[3])
      }
    }
  }

  const consume = (text: string) => {
    let start = 0
    let newline = text.indexOf("\n", start)
    while (newline >= 0) {
      if (!overlong) onLine(pending + text.slice(start, newline))
      pending = ""
      overlong = false
      start = newline + 1
      newline = text.indexOf("\n", start)
    }
    if (overlong) return
    pending += text.slice(start)
    if (pending.length > maxLineChars) {
      // A huge single line (minified or generated) is scanned by its head only, to keep memory flat.
      onLine(pending.slice(0, maxLineChars))
      overlong = true
      pending = ""
    }
  }

  return {
    push: (chunk: Uint8Array): void => consume(decoder.decode(chunk, { stream: true })),
    finish: (): ReadonlyArray<SecretFinding> => {
      consume(decoder.decode())
      if (pending !== "" && !overlong) onLine(pending)
      pending = ""
      return findings
    }
  }
}
