import { spawnSync } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { hookCommand, shellQuote } from "../../../src/domain/agents/hooks.js"

// The hook command is run here by a real POSIX sh, as the agents run it, against a stub `handover` that prints its
// arguments and its stdin.

const scratch = mkdtempSync(join(tmpdir(), "handover-hook-command-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A directory holding an executable stub named `name` that reports who it is, its arguments and its stdin. */
const stubIn = (dirName: string, label: string, name = "handover"): string => {
  const dir = join(scratch, dirName)
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "${label}" "$@"\ncat\n`)
  chmodSync(path, 0o755)
  return path
}

/** Directories every test's PATH holds, so that sh finds `cat` and friends but no `handover`. */
const systemPath = "/usr/bin:/bin"

const run = (command: string, pathDirs: ReadonlyArray<string> = [], stdin = "") =>
  spawnSync("sh", ["-c", command], {
    input: stdin,
    encoding: "utf8",
    env: { PATH: [...pathDirs, systemPath].join(":") }
  })

const recorded = stubIn("recorded dir with 'quotes' and $dollars", "recorded")
const onPathDir = dirname(stubIn("on-path", "on-path"))

describe("hookCommand", () => {
  const args = ["on-event", "--tool", "claude"]

  it("runs the handover that ran enable, passing the arguments and the hook payload on stdin", () => {
    const result = run(hookCommand(recorded, args), [onPathDir], '{"hook_event_name":"Stop"}')
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('recorded\non-event\n--tool\nclaude\n{"hook_event_name":"Stop"}')
  })

  it("falls back to handover on PATH when the recorded one is gone", () => {
    const result = run(hookCommand(join(scratch, "removed", "handover"), args), [onPathDir], "{}")
    expect(result.status).toBe(0)
    expect(result.stdout).toBe("on-path\non-event\n--tool\nclaude\n{}")
  })

  it("with no recorded path, uses handover on PATH", () => {
    expect(run(hookCommand(null, args), [onPathDir]).stdout).toBe("on-path\non-event\n--tool\nclaude\n")
  })

  it.each([
    { name: "a recorded path that is gone", handoverPath: join(scratch, "removed", "handover") },
    { name: "no recorded path", handoverPath: null }
  ])("where handover is not installed at all ($name): exit 0, nothing on stdout or stderr", ({ handoverPath }) => {
    const result = run(hookCommand(handoverPath, args), [], '{"hook_event_name":"Stop"}')
    expect(result.status).toBe(0)
    expect(result.stdout).toBe("")
    expect(result.stderr).toBe("")
  })

  it("ignores a recorded path that is not executable", () => {
    const plain = join(scratch, "not-executable")
    writeFileSync(plain, "#!/bin/sh\necho should not run\n")
    expect(run(hookCommand(plain, args), [onPathDir]).stdout).toBe("on-path\non-event\n--tool\nclaude\n")
  })

  it("with the node that ran enable, runs the recorded script through it: no node on the agent's PATH is needed", () => {
    const node = stubIn("node dir", "node", "node")
    const script = join(scratch, "script dir", "handover.js")
    mkdirSync(dirname(script), { recursive: true })
    writeFileSync(script, "the CLI, not executable by itself\n")
    const result = run(hookCommand(script, args, node), [], "{}")
    expect(result.stdout).toBe(`node\n${script}\non-event\n--tool\nclaude\n{}`)
    // A node that is gone since falls back as before: the recorded handover, then handover on PATH.
    const gone = join(scratch, "no-node", "node")
    expect(run(hookCommand(recorded, args, gone), [onPathDir]).stdout).toBe("recorded\non-event\n--tool\nclaude\n")
    expect(run(hookCommand(script, args, gone), [onPathDir]).stdout).toBe("on-path\non-event\n--tool\nclaude\n")
  })

  it("passes arguments that need quoting through unchanged", () => {
    const result = run(hookCommand(recorded, ["capture", "--title", `it's "a" $HOME; rm -rf /`]))
    expect(result.stdout).toBe(`recorded\ncapture\n--title\nit's "a" $HOME; rm -rf /\n`)
  })
})

describe("shellQuote", () => {
  it("leaves plain words bare and single-quotes anything else, as sh reads it back", () => {
    expect(shellQuote("session-start")).toBe("session-start")
    expect(shellQuote("/usr/local/bin/handover")).toBe("/usr/local/bin/handover")
    for (const word of ["", "a b", "it's", "$(id)", "`id`", "a\nb", "*", "x;y", "~"]) {
      expect(run(`printf %s ${shellQuote(word)}`).stdout).toBe(word)
    }
  })
})
