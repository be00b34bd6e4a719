import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PatchFile } from "../../src/domain/Bundle.js"
import { makePatchScanner, redactSecrets, scanLine, scanPaths } from "../../src/domain/Secrets.js"

// Made-up credentials in the shapes the scanner looks for (none of them is real).
const aws = "AKIAIOSFODNN7EXAMPLE"
const github = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
const openai = "sk-proj-" + "Abcdefghijklmnopqrstuvwxyz0123456789"
const anthropic = "sk-ant-" + "api03-abcdefghijklmnopqrstuvwxyz"

describe("scanLine", () => {
  it.effect.each([
    { kind: "private key", line: "-----BEGIN RSA PRIVATE KEY-----" },
    { kind: "private key", line: "-----BEGIN OPENSSH PRIVATE KEY-----" },
    { kind: "AWS access key", line: `aws_access_key_id = ${aws}` },
    { kind: "GitHub token", line: `token: ${github}` },
    { kind: "Anthropic API key", line: `ANTHROPIC_API_KEY=${anthropic}` },
    { kind: "OpenAI API key", line: `OPENAI_API_KEY=${openai}` },
    { kind: "Slack token", line: "SLACK=xoxb-1234567890-abcdefghij" },
    { kind: "Google API key", line: "key=AIza" + "SyA1234567890abcdefghijklmnopqrstuv" },
    { kind: "Stripe live key", line: "sk_live_" + "abcdefghijklmnopqrstuvwx" },
    { kind: "npm token", line: "//registry.npmjs.org/:_authToken=npm_" + "abcdefghijklmnopqrstuvwxyz0123456789" },
    { kind: "assigned secret", line: `const config = { password: "correct-horse-battery" }` },
    { kind: "assigned secret", line: `client_secret='0123456789abcdef'` }
  ])("$kind in: $line", ({ kind, line }) => Effect.sync(() => expect(scanLine(line)).toBe(kind)))

  it.effect.each([
    { line: "const total = items.reduce((sum, item) => sum + item.price, 0)" },
    { line: "AKIA is the prefix of AWS access keys" },
    { line: "AKIAIOSFODNN7EXAMPL" },
    { line: "password = process.env.PASSWORD" },
    { line: `password: "short"` },
    { line: "sk-not-long-enough" },
    { line: "-----BEGIN PUBLIC KEY-----" },
    { line: "" }
  ])("nothing in: $line", ({ line }) => Effect.sync(() => expect(scanLine(line)).toBeUndefined()))
})

describe("scanPaths", () => {
  const file = (path: string, status: PatchFile["status"] = "added"): PatchFile => ({ path, status, binary: false })

  it.effect("flags .env-like and key files, not their examples, and not deletions", () =>
    Effect.sync(() => {
      const findings = scanPaths([
        file(".env"),
        file("config/.env.production"),
        file(".env.example"),
        file("app/.env.sample"),
        file(".env.template"),
        file("deploy/id_rsa"),
        file("certs/server.pem"),
        file("certs/tls.key", "modified"),
        file(".netrc"),
        file("old/.env", "deleted"),
        file("src/environment.ts"),
        file("docs/keys.md")
      ])
      expect(findings).toEqual([
        { path: ".env", line: null, kind: "sensitive file name" },
        { path: "config/.env.production", line: null, kind: "sensitive file name" },
        { path: "deploy/id_rsa", line: null, kind: "sensitive file name" },
        { path: "certs/server.pem", line: null, kind: "sensitive file name" },
        { path: "certs/tls.key", line: null, kind: "sensitive file name" },
        { path: ".netrc", line: null, kind: "sensitive file name" }
      ])
    }))
})

/** A unified diff as `git diff --binary` writes it, with secrets in added, removed and context lines. */
const patch = [
  "diff --git a/src/config.ts b/src/config.ts",
  "index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644",
  "--- a/src/config.ts",
  "+++ b/src/config.ts",
  "@@ -1,4 +1,5 @@",
  " const region = \"eu\"",
  `-const key = "${aws.replace("EXAMPLE", "OLDKEY1")}"`,
  `+const key = "${aws}"`,
  " const x = 1",
  // An added content line that itself starts with "++": in the patch it reads "+++ …", yet it is content.
  `+++ ${github}`,
  " const y = 2",
  "@@ -20,2 +21,4 @@ export const settings = {",
  ` // ${openai} (context lines are not new: not reported)`,
  "+  retries: 3,",
  "+  password: \"hunter2hunter2\",",
  "   timeout: 10",
  "diff --git \"a/na\\303\\257ve caf\\303\\251.txt\" \"b/na\\303\\257ve caf\\303\\251.txt\"",
  "new file mode 100644",
  "index 0000000000000000000000000000000000000000..3333333333333333333333333333333333333333",
  "--- /dev/null",
  "+++ \"b/na\\303\\257ve caf\\303\\251.txt\"\t",
  "@@ -0,0 +1,2 @@",
  "+café",
  `+${anthropic}`,
  "diff --git a/gone.txt b/gone.txt",
  "deleted file mode 100644",
  "index 4444444444444444444444444444444444444444..0000000000000000000000000000000000000000",
  "--- a/gone.txt",
  "+++ /dev/null",
  "@@ -1 +0,0 @@",
  `-${aws}`,
  "diff --git a/logo.bin b/logo.bin",
  "new file mode 100644",
  "index 0000000000000000000000000000000000000000..5555555555555555555555555555555555555555",
  "GIT binary patch",
  "literal 3",
  "KcmZQzWMT#Y01f~E",
  "",
  "literal 0",
  "HcmV?d00001",
  "",
  "diff --git a/.env b/.env",
  "new file mode 100644",
  "index 0000000000000000000000000000000000000000..6666666666666666666666666666666666666666",
  "--- /dev/null",
  "+++ b/.env",
  "@@ -0,0 +1 @@",
  `+OPENAI_API_KEY=${openai}`,
  "diff --git a/notes/with space.txt b/notes/with space.txt",
  "new file mode 100644",
  "index 0000000000000000000000000000000000000000..7777777777777777777777777777777777777777",
  "--- /dev/null",
  "+++ b/notes/with space.txt\t",
  "@@ -0,0 +1 @@",
  `+${aws}`,
  ""
].join("\n")

const expected = [
  { path: "src/config.ts", line: 2, kind: "AWS access key" },
  { path: "src/config.ts", line: 4, kind: "GitHub token" },
  { path: "src/config.ts", line: 23, kind: "assigned secret" },
  { path: "naïve café.txt", line: 2, kind: "Anthropic API key" },
  { path: ".env", line: 1, kind: "OpenAI API key" },
  { path: "notes/with space.txt", line: 1, kind: "AWS access key" }
]

const scanInChunks = (bytes: Uint8Array, size: number) => {
  const scanner = makePatchScanner()
  for (let offset = 0; offset < bytes.length; offset += size) scanner.push(bytes.subarray(offset, offset + size))
  return scanner.finish()
}

describe("makePatchScanner", () => {
  it.effect("reports added lines only, with the file and the line number in the new file", () =>
    Effect.sync(() => expect(scanInChunks(Buffer.from(patch, "utf8"), 64 * 1024)).toEqual(expected)))

  it.effect.each([{ size: 1 }, { size: 2 }, { size: 7 }, { size: 64 }, { size: 333 }])(
    "finds the same when chunks of $size bytes split lines and UTF-8 characters",
    ({ size }) => Effect.sync(() => expect(scanInChunks(Buffer.from(patch, "utf8"), size)).toEqual(expected))
  )

  // The base85 data of a binary patch is skipped unread: what follows it must still be found, wherever chunks split.
  const binaryThenSecret = [
    "diff --git a/blob.bin b/blob.bin",
    "new file mode 100644",
    "index 0000000000000000000000000000000000000000..8888888888888888888888888888888888888888",
    "GIT binary patch",
    "literal 40000",
    ...Array.from({ length: 300 }, (_, i) => `zdiff${"+-@ ".includes(String(i % 10)) ? "" : "--git"}${aws.slice(0, 10)}${i}+++@@`),
    "",
    "literal 0",
    "HcmV?d00001",
    "",
    "diff --git a/config/.env b/config/.env",
    "new file mode 100644",
    "--- /dev/null",
    "+++ b/config/.env",
    "@@ -0,0 +1,2 @@",
    "+harmless=1",
    `+TOKEN=${github}`,
    ""
  ].join("\n")

  it.effect.each([{ size: 1 }, { size: 7 }, { size: 11 }, { size: 12 }, { size: 13 }, { size: 64 * 1024 }])(
    "after a binary patch, a secret in the next file is found with chunks of $size bytes",
    ({ size }) =>
      Effect.sync(() =>
        expect(scanInChunks(Buffer.from(binaryThenSecret), size)).toEqual([
          { path: "config/.env", line: 2, kind: "GitHub token" }
        ])
      )
  )

  it.effect("a binary patch at the end of the patch ends the scan without findings", () =>
    Effect.sync(() => {
      const text = ["diff --git a/x.bin b/x.bin", "GIT binary patch", "literal 3", "KcmZQzWMT#Y01f~E", ""].join("\n")
      expect(scanInChunks(Buffer.from(text), 4)).toEqual([])
    }))

  it.effect("a patch without a final newline still has its last line scanned", () =>
    Effect.sync(() => {
      const text = ["--- /dev/null", "+++ b/key.txt", "@@ -0,0 +1 @@", `+${aws}`].join("\n")
      expect(scanInChunks(Buffer.from(text), 5)).toEqual([{ path: "key.txt", line: 1, kind: "AWS access key" }])
    }))

  it.effect("a clean patch has no findings", () =>
    Effect.sync(() => {
      const text = ["--- a/x.ts", "+++ b/x.ts", "@@ -1 +1 @@", "-const a = 1", "+const a = 2", ""].join("\n")
      expect(scanInChunks(Buffer.from(text), 3)).toEqual([])
    }))
})

describe("redactSecrets", () => {
  it.effect("replaces every credential and leaves the rest of the text", () =>
    Effect.sync(() => {
      const text = `Set AWS to ${aws} and GH to ${github}, then AWS again ${aws}.`
      expect(redactSecrets(text)).toBe("Set AWS to [REDACTED] and GH to [REDACTED], then AWS again [REDACTED].")
    }))

  it.effect("text without credentials is unchanged", () =>
    Effect.sync(() => {
      const text = "Refactor the parser; the password field is validated in forms.ts."
      expect(redactSecrets(text)).toBe(text)
    }))
})
