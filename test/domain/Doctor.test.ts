import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { codexTrustOf } from "../../src/domain/agents/codex.js"
import { hookCommand } from "../../src/domain/agents/hooks.js"
import { pluginSource } from "../../src/domain/agents/plugin.js"
import { agentById } from "../../src/domain/agents/registry.js"
import {
  type Check,
  compileCacheCheck,
  configCheck,
  doctorExitCode,
  handoverHookCommands,
  minimumNodeMajor,
  namesNodeAndHandover,
  nodeCheck,
  parseHookCommand,
  type PathFacts,
  pluginCandidates,
  renderChecks,
  storeCheck
} from "../../src/domain/Doctor.js"
import { ConfigInvalid } from "../../src/domain/errors.js"
import { ansiStyle } from "../../src/domain/Style.js"

const dir = (mode: number): PathFacts => ({ _tag: "Present", type: "Directory", mode, writable: true })
const file = (mode: number): PathFacts => ({ _tag: "Present", type: "File", mode, writable: true })

describe("doctor's checks", () => {
  it("asks for the Node.js version package.json's engines names", () => {
    const engines = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string } }).engines.node
    expect(engines).toBe(`>=${minimumNodeMajor}`)
    expect(nodeCheck("v20.0.0").ok).toBe(true)
    expect(nodeCheck("v22.3.1").ok).toBe(true)
    expect(nodeCheck("v18.19.0")).toMatchObject({ ok: false, fix: expect.stringContaining("Node.js 20 or later") })
  })

  it("reads back every hook command install writes: the recorded handover and node, then PATH", () => {
    const awkward = "/opt/it's here/handover.js"
    for (const [handoverPath, nodePath] of [[awkward, "/usr/bin/node"], [awkward, undefined], ["/usr/lib/handover", "/n o/node"]] as const) {
      const parsed = parseHookCommand(hookCommand(handoverPath, ["on-event", "--tool", "claude"], nodePath))
      expect(parsed?.args).toBe("on-event --tool claude")
      expect(parsed?.candidates.map((candidate) => candidate.argv)).toEqual([
        ...(nodePath === undefined ? [] : [[nodePath, handoverPath]]),
        [handoverPath],
        ["handover"]
      ])
      expect(parsed?.candidates.at(-1)?.onPath).toBe(true)
    }
    expect(parseHookCommand(hookCommand(null, ["session-start", "--format", "codex"]))).toEqual({
      args: "session-start --format codex",
      candidates: [{ argv: ["handover"], onPath: true, files: [], executables: [] }]
    })
    expect(parseHookCommand("handover on-event --tool claude")).toBeUndefined()
    expect(parseHookCommand("h=/x; rm -rf ~; [ -x \"$h\" ] || h=$(command -v handover) && [ -x \"$h\" ] || exit 0; exec \"$h\" on-event")).toBeUndefined()
  })

  it("runs only node and handover, by their names", () => {
    expect(namesNodeAndHandover(["/usr/bin/node", "/usr/lib/node_modules/handover/dist/handover.js"])).toBe(true)
    expect(namesNodeAndHandover(["/home/me/.nvm/versions/node/v22.1.0/bin/node", "/x/handover.js"])).toBe(true)
    expect(namesNodeAndHandover(["/usr/local/bin/handover"])).toBe(true)
    expect(namesNodeAndHandover(["/bin/sh", "/x/handover.js"])).toBe(false)
    expect(namesNodeAndHandover(["/usr/bin/curl"])).toBe(false)
    expect(namesNodeAndHandover(["/x/handover.js.evil"])).toBe(false)
  })

  it("finds handover's hooks per event in a settings file, and names the events that have none", () => {
    const claude = agentById("claude")!
    const command = hookCommand("/h/handover.js", ["on-event", "--tool", "claude"])
    const document = {
      hooks: {
        SessionStart: [{ matcher: "startup", hooks: [{ type: "command", command: "echo mine" }] }],
        Stop: [{ hooks: [{ type: "command", command }] }],
        // Another tool's hook is not claude's.
        UserPromptSubmit: [{ hooks: [{ type: "command", command: hookCommand("/h/handover.js", ["on-event", "--tool", "codex"]) }] }]
      }
    }
    const found = handoverHookCommands(document, claude.hooks!, "claude")
    expect([...found].map(([event, commands]) => [event, commands.length])).toEqual([["SessionStart", 0], ["UserPromptSubmit", 0], ["Stop", 1]])
    expect([...handoverHookCommands("not an object", claude.hooks!, "claude").values()].flat()).toEqual([])
  })

  it("reads the ways the plugin starts handover", () => {
    const source = pluginSource("opencode", { handoverPath: "/h/handover.js", nodePath: "/usr/bin/node", shared: false })
    expect(pluginCandidates(source)?.map((candidate) => [candidate.argv, candidate.files, candidate.onPath])).toEqual([
      [["/usr/bin/node", "/h/handover.js"], ["/usr/bin/node", "/h/handover.js"], false],
      [["handover"], [], true]
    ])
    expect(pluginCandidates("export const Other = 1")).toBeUndefined()
  })

  it("tells Codex's trust of a project from its config.toml", () => {
    const toml = [
      "model = \"o3\"",
      "[projects.\"/src/other\"]",
      "trust_level = \"trusted\"",
      "[projects.'/src/shop'] # mine",
      "trust_level = \"untrusted\"",
      "[projects.\"/src/q\\\"uote\"]",
      "trust_level = \"trusted\""
    ].join("\n")
    expect(codexTrustOf(toml, "/src/other")).toBe("trusted")
    expect(codexTrustOf(toml, "/src/shop")).toBe("untrusted")
    expect(codexTrustOf(toml, "/src/q\"uote")).toBe("trusted")
    expect(codexTrustOf(toml, "/src/elsewhere")).toBeUndefined()
    // A trust_level outside the project's table says nothing of it.
    expect(codexTrustOf("[projects.\"/a\"]\n[tui]\ntrust_level = \"trusted\"\n", "/a")).toBeUndefined()
  })

  it("finds store entries that are open to others or links, and the one command for each directory", () => {
    const home = { ...dir(0o755), path: "/r/.handover" }
    const clean = storeCheck({
      home,
      configExists: true,
      privateDirs: [{ path: "/r/.handover/state", facts: dir(0o700), inside: [{ path: "/r/.handover/state/events.log", facts: file(0o600) }] }]
    })
    expect(clean.ok).toBe(true)
    const open = storeCheck({
      home,
      configExists: true,
      privateDirs: [
        { path: "/r/.handover/state", facts: dir(0o755), inside: [] },
        {
          path: "/r/.handover/bundles",
          facts: dir(0o700),
          inside: [
            { path: "/r/.handover/bundles/x/summary.md", facts: file(0o644) },
            { path: "/r/.handover/bundles/evil", facts: { _tag: "Link", target: "/etc" } }
          ]
        }
      ]
    })
    expect(open.ok).toBe(false)
    expect(open.detail).toContain("/r/.handover/state is 0755, not private (0700)")
    expect(open.detail).toContain("/r/.handover/bundles/x/summary.md is 0644")
    expect(open.fix).toBe("chmod 700 /r/.handover/state && chmod -R go-rwx /r/.handover/bundles && rm /r/.handover/bundles/evil")
    expect(storeCheck({ home, configExists: false, privateDirs: [] })).toMatchObject({ ok: false, fix: "handover init" })
    // A file where the store belongs has no config in it either: the fix removes it first, as init alone would fail.
    expect(storeCheck({ home: { ...file(0o644), path: "/r/.handover" }, configExists: false, privateDirs: [] }))
      .toMatchObject({ ok: false, detail: "/r/.handover is not a directory", fix: "rm /r/.handover && handover init" })
    expect(storeCheck({ home: { _tag: "Link", target: "/tmp", path: "/r/.handover" }, configExists: true, privateDirs: [] }).fix)
      .toBe("rm /r/.handover && handover init")
  })

  it("says which file or variable holds a bad config value", () => {
    const inFile = configCheck({
      _tag: "Invalid",
      error: new ConfigInvalid({ source: "/r/.handover/config.json", field: "trigger.thresholdPercent", reason: "must be a number from 0 to 100" })
    })
    expect(inFile.detail).toBe("invalid: /r/.handover/config.json: trigger.thresholdPercent: must be a number from 0 to 100")
    expect(inFile.fix).toBe("edit /r/.handover/config.json (handover print-config --defaults prints every key with its default)")
    const inEnv = configCheck({
      _tag: "Invalid",
      error: new ConfigInvalid({ source: "environment (HANDOVER_*)", field: "capture.secrets", reason: "bad" })
    })
    expect(inEnv.fix).toBe("fix or unset HANDOVER_CAPTURE_SECRETS")
  })

  it("passes a compile cache that exists and is writable, or that a writable parent can hold", () => {
    expect(compileCacheCheck({ dir: "/c/handover", facts: dir(0o700), parent: null }).ok).toBe(true)
    expect(compileCacheCheck({ dir: "/c/handover", facts: { _tag: "Present", type: "Directory", mode: 0o500, writable: false }, parent: null }).fix)
      .toMatch(/^chmod u\+rwx \/c\/handover/)
    expect(compileCacheCheck({ dir: "/c/handover", facts: { _tag: "Missing" }, parent: { path: "/c", facts: dir(0o755) } }).ok).toBe(true)
    expect(compileCacheCheck({ dir: "/c/handover", facts: file(0o644), parent: null }).ok).toBe(false)
    expect(compileCacheCheck({ dir: "/c/handover", facts: { _tag: "Missing" }, parent: { path: "/c", facts: file(0o644) } }).ok).toBe(false)
  })

  it("renders ✓/✗ on a terminal, plain ASCII elsewhere, and escapes what it quotes", () => {
    const checks: ReadonlyArray<Check> = [
      { name: "git", ok: true, detail: "git version 2.39.5", fix: null },
      { name: "hooks:claude", ok: false, detail: "/x/\u001b[2Jhandover.js is missing", fix: "handover install --adapter claude\u001b]0;t\u0007" }
    ]
    const tty = renderChecks(checks, true)
    expect(tty.split("\n")).toEqual([
      "✓ git: git version 2.39.5",
      "✗ hooks:claude: /x/\\x1b[2Jhandover.js is missing",
      "  → handover install --adapter claude\\x1b]0;t\\x07",
      "1 of 2 checks failed; run the fix under each, then handover doctor again."
    ])
    const plain = renderChecks(checks, false)
    expect(plain).not.toMatch(/[✓✗→\u001b\u0007]/)
    expect(plain.split("\n").slice(0, 3)).toEqual([
      "ok   git: git version 2.39.5",
      "FAIL hooks:claude: /x/\\x1b[2Jhandover.js is missing",
      "      fix: handover install --adapter claude\\x1b]0;t\\x07"
    ])
    expect(doctorExitCode(checks)).toBe(1)
    expect(doctorExitCode(checks.slice(0, 1))).toBe(0)
    expect(renderChecks([checks[0]!, checks[0]!], false).split("\n").at(-1)).toBe("All 2 checks passed.")
    // Coloured only where the stream takes styles: the marks, never the escaped text.
    expect(renderChecks(checks, true, ansiStyle).split("\n").slice(0, 2)).toEqual([
      "\u001b[32m✓\u001b[39m git: git version 2.39.5",
      "\u001b[31m✗\u001b[39m hooks:claude: /x/\\x1b[2Jhandover.js is missing"
    ])
  })
})
