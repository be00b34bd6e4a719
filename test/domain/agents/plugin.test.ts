import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { connectionKind, type SurfaceOptions } from "../../../src/domain/agents/Agent.js"
import { kilo } from "../../../src/domain/agents/kilo.js"
import { opencode } from "../../../src/domain/agents/opencode.js"
import { pluginSource } from "../../../src/domain/agents/plugin.js"

// The generated plugin imported as OpenCode imports it, its hooks called as OpenCode calls them, against a stub
// `handover` that records its arguments and stdin and prints a context for session-start.

const scratch = mkdtempSync(join(tmpdir(), "handover-plugin-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const originalPath = process.env.PATH
afterEach(() => {
  process.env.PATH = originalPath
})

let counter = 0

/** A directory with a `handover` stub appending `label args… stdin` lines to calls.log. */
const stubDir = (label: string): { dir: string; log: string } => {
  const dir = join(scratch, `stub-${counter++}`)
  mkdirSync(dir)
  const log = join(dir, "calls.log")
  writeFileSync(
    join(dir, "handover"),
    `#!/bin/sh\nprintf '%s %s %s\\n' "${label}" "$*" "$(cat)" >> '${log}'\n[ "$1" = session-start ] && printf 'A handover is pending\\n'\nexit 0\n`
  )
  chmodSync(join(dir, "handover"), 0o755)
  return { dir, log }
}

type Hooks = {
  event: (input: { event: unknown }) => Promise<void>
  "chat.message": (input: unknown, output: unknown) => Promise<void>
  "experimental.chat.system.transform": (input: unknown, output: { system: Array<string> }) => Promise<void>
}

const loadPlugin = async (options: SurfaceOptions, directory = scratch): Promise<Hooks> => {
  const file = join(scratch, `plugin-${counter++}.mjs`)
  writeFileSync(file, pluginSource("opencode", options))
  const module = (await import(pathToFileURL(file).href)) as Record<string, (input: unknown) => Promise<Hooks>>
  expect(Object.keys(module)).toEqual(["HandoverPlugin"])
  return module.HandoverPlugin!({ directory })
}

const calls = (log: string) => readFileSync(log, "utf8").trim().split("\n")

describe("the OpenCode plugin", () => {
  it("tells a new session about a pending handover in its system prompt, and reports prompts and idle sessions", async () => {
    const stub = stubDir("path")
    process.env.PATH = `${stub.dir}:${originalPath}`
    const hooks = await loadPlugin({ handoverPath: null, shared: false })
    await hooks.event({ event: { type: "session.created", properties: { info: { id: "ses-1" } } } })
    const system = ["You are OpenCode."]
    await hooks["experimental.chat.system.transform"]({ sessionID: "ses-1" }, { system })
    expect(system).toEqual(["You are OpenCode.", "A handover is pending"])
    await hooks["chat.message"]({ sessionID: "ses-1" }, { parts: [{ type: "text", text: "Fix the cart" }, { type: "file" }] })
    await hooks.event({ event: { type: "session.idle", properties: { sessionID: "ses-1" } } })
    const [start, prompt, stop] = calls(stub.log)
    const payload = (line: string | undefined) => JSON.parse(line!.slice(line!.indexOf("{"))) as unknown
    expect(start).toMatch(/^path session-start --format plain --target opencode \{/)
    expect(payload(start)).toEqual({ hook_event_name: "SessionStart", session_id: "ses-1", cwd: scratch })
    expect(prompt).toMatch(/^path on-event --tool opencode \{/)
    expect(payload(prompt)).toEqual({ cwd: scratch, hook_event_name: "UserPromptSubmit", session_id: "ses-1", prompt: "Fix the cart" })
    expect(payload(stop)).toEqual({ cwd: scratch, hook_event_name: "Stop", session_id: "ses-1" })
  })

  it("runs the recorded handover with the recorded node first, and handover on PATH where they are gone", async () => {
    const recorded = stubDir("recorded")
    const onPath = stubDir("path")
    process.env.PATH = `${onPath.dir}:${originalPath}`
    const withRecorded = await loadPlugin({ handoverPath: join(recorded.dir, "handover"), nodePath: "/bin/sh", shared: false })
    await withRecorded.event({ event: { type: "session.idle", properties: { sessionID: "s" } } })
    expect(calls(recorded.log)).toHaveLength(1)
    const gone = await loadPlugin({ handoverPath: join(scratch, "gone", "handover"), nodePath: process.execPath, shared: false })
    await gone.event({ event: { type: "session.idle", properties: { sessionID: "s" } } })
    expect(calls(onPath.log)).toEqual([expect.stringMatching(/^path on-event --tool opencode /)])
  })

  it("fails open: without any handover every hook resolves and the system prompt is left alone", async () => {
    process.env.PATH = "/nonexistent"
    const hooks = await loadPlugin({ handoverPath: join(scratch, "gone", "handover"), shared: false })
    await hooks.event({ event: { type: "session.created", properties: { info: { id: "s" } } } })
    await hooks.event({ event: undefined })
    await hooks["chat.message"](undefined, undefined)
    const system = ["You are OpenCode."]
    await hooks["experimental.chat.system.transform"]({}, { system })
    expect(system).toEqual(["You are OpenCode."])
  })
})

describe("opencode and kilo surfaces", () => {
  it("each a plugin file of handover's own, one generator for both", () => {
    const options = { handoverPath: "/opt/handover", shared: false }
    expect(opencode.surfaces(options)).toEqual([
      { _tag: "OwnedFile", path: ".opencode/plugin/handover.js", content: pluginSource("opencode", options) }
    ])
    expect(kilo.surfaces(options)).toEqual([
      { _tag: "OwnedFile", path: ".kilo/plugin/handover.js", content: pluginSource("kilo", options) }
    ])
    expect([opencode, kilo].map(connectionKind)).toEqual(["plugin", "plugin"])
  })
})
