import { spawnSync } from "node:child_process"
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { assertCliBuilt, snapshotTree, useRepo } from "../helpers/repo.js"
import { expectCleanFailure, expectSuccess } from "../helpers/store.js"

// enable and disable as a user runs them, on a repository that already has its own agent files: enable connects every
// adapter asked for, twice is once, and disable --purge leaves the repository byte for byte as it was.

beforeAll(() => assertCliBuilt())

const usersClaudeSettings = `{
  // the user's own settings, comments included
  "model": "opus",
  "hooks": {
    "Stop": [{ "hooks": [{ "type": "command", "command": "echo done" }] }]
  }
}
`
const usersGeminiSettings = `{
   /* Gemini allows comments */
   "theme": "dark"
}
`
const initial = {
  "src/app.ts": "export const app = 1\n",
  "AGENTS.md": "# Agents\n\nRun the tests before committing.\n",
  ".claude/settings.local.json": usersClaudeSettings,
  ".gemini/settings.json": usersGeminiSettings,
  ".qwen/settings.json": `{ "model": { "name": "qwen3-coder" } }\n`,
  ".github/hooks/lint.json": `{ "version": 1, "hooks": {} }\n`,
  ".aider.conf.yml": "model: sonnet\nread:\n  - STYLE.md\n"
}
const everyAdapter = [
  "claude", "codex", "gemini", "qwen", "copilot", "opencode", "kilo", "agents", "cursor", "windsurf", "continue", "cline",
  "copilot-instructions", "aider", "zed"
]

describe.concurrent("enable and disable", () => {
  it("enable connects each adapter keeping the user's files, twice is once; disable --purge restores every byte", async (context) => {
    const repo = await useRepo(context, { initial })
    const before = await snapshotTree(repo.dir, [".git"])

    const enabled = await repo.cli(["enable", "--all"])
    expectSuccess(enabled)
    expect(enabled.stdout).toContain(`Adapters: ${everyAdapter.join(", ")} (--all)`)
    expect(enabled.stdout).toMatch(/Next: Codex runs project hooks only once you trust them/)
    const claude = await readFile(join(repo.dir, ".claude/settings.local.json"), "utf8")
    expect(claude).toContain("// the user's own settings, comments included")
    expect(claude).toContain(`"command": "echo done"`)
    expect(claude).toContain("session-start --format claude")
    expect(await readFile(join(repo.dir, ".gemini/settings.json"), "utf8")).toContain("/* Gemini allows comments */")
    expect(await readFile(join(repo.dir, ".aider.conf.yml"), "utf8")).toContain("CONVENTIONS.md")
    expect(await readFile(join(repo.dir, "AGENTS.md"), "utf8")).toMatch(/^# Agents\n\nRun the tests before committing\.\n/)

    const afterFirst = await snapshotTree(repo.dir, [".git", "state"])
    const again = await repo.cli(["enable", "--all"])
    expectSuccess(again)
    expect(again.stdout).toContain("claude: present entry in hooks.Stop in .claude/settings.local.json")
    expect(again.stdout).not.toMatch(/: added /)
    expect(await snapshotTree(repo.dir, [".git", "state"])).toEqual(afterFirst)

    const listed = JSON.parse((await repo.cli(["adapters", "--json"])).stdout) as {
      adapters: ReadonlyArray<{ id: string; installed: boolean; kind: string }>
    }
    expect(listed.adapters.filter((adapter) => adapter.installed).map((adapter) => adapter.id)).toEqual(everyAdapter)

    const disabled = await repo.cli(["disable", "--purge"])
    expectSuccess(disabled)
    expect(await snapshotTree(repo.dir, [".git"])).toEqual(before)
  })

  it("the hook command enable writes runs this handover, which logs the event", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expectSuccess(await repo.cli(["enable", "--adapter", "claude"]))
    const settings = JSON.parse(await readFile(join(repo.dir, ".claude/settings.local.json"), "utf8")) as {
      hooks: Record<string, ReadonlyArray<{ hooks: ReadonlyArray<{ command: string }> }>>
    }
    const command = settings.hooks.Stop![0]!.hooks[0]!.command
    // As Claude Code runs it: sh, the payload on stdin, a PATH without handover on it.
    const ran = spawnSync("sh", ["-c", command], {
      cwd: repo.dir,
      env: { ...repo.env, PATH: `${process.env.PATH}`, OPENUSAGE_TELEMETRY_SOCKET: join(repo.base, "none.sock") },
      input: JSON.stringify({ hook_event_name: "Stop", cwd: repo.dir, session_id: "s" }),
      encoding: "utf8"
    })
    expect(ran.status, ran.stderr).toBe(0)
    expect(ran.stdout).toBe("")
    const log = await readFile(join(repo.dir, ".handover/state/events.log"), "utf8")
    expect(JSON.parse(log.trim())).toMatchObject({ tool: "claude", event: "Stop", action: "skipped" })
  })

  it("copilot: its own hook file, whose bash command takes Copilot's camelCase payload; disable --purge restores every byte", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n", ".github/hooks/lint.json": "{}\n" } })
    const before = await snapshotTree(repo.dir, [".git"])
    const enabled = await repo.cli(["enable", "--adapter", "copilot"])
    expectSuccess(enabled)
    expect(enabled.stdout).toContain("GITHUB_COPILOT_PROMPT_MODE_REPO_HOOKS=true")
    const config = JSON.parse(await readFile(join(repo.dir, ".github/hooks/handover.json"), "utf8")) as {
      version: number
      hooks: Record<string, ReadonlyArray<{ type: string; bash: string; timeoutSec: number }>>
    }
    expect(config.version).toBe(1)
    expect(Object.keys(config.hooks)).toEqual(["sessionStart", "userPromptSubmitted", "agentStop"])
    const stop = config.hooks.agentStop![0]!
    expect(stop).toMatchObject({ type: "command", timeoutSec: 30 })
    // As Copilot CLI runs it: the event named by the command only, the payload in camelCase.
    const ran = spawnSync("sh", ["-c", stop.bash], {
      cwd: repo.dir,
      env: { ...repo.env, PATH: `${process.env.PATH}`, OPENUSAGE_TELEMETRY_SOCKET: join(repo.base, "none.sock") },
      input: JSON.stringify({ sessionId: "c-1", cwd: repo.dir, stopReason: "end_turn", timestamp: Date.now() }),
      encoding: "utf8"
    })
    expect(ran.status, ran.stderr).toBe(0)
    const log = await readFile(join(repo.dir, ".handover/state/events.log"), "utf8")
    expect(JSON.parse(log.trim())).toMatchObject({ tool: "copilot", event: "Stop", action: "skipped" })

    expectSuccess(await repo.cli(["disable", "--purge"]))
    expect(await snapshotTree(repo.dir, [".git"])).toEqual(before)
  })

  it("a user's edit inside handover's block is kept by disable and reported; the rest is taken back", async (context) => {
    const repo = await useRepo(context, { initial })
    expectSuccess(await repo.cli(["enable", "--adapter", "agents", "--adapter", "claude"]))
    const agentsMd = join(repo.dir, "AGENTS.md")
    await writeFile(agentsMd, (await readFile(agentsMd, "utf8")).replace("handover pickup", "handover pickup # mine"))
    const disabled = await repo.cli(["disable"])
    expectSuccess(disabled)
    expect(disabled.stdout).toMatch(/agents: kept managed block in AGENTS\.md/)
    expect(await readFile(agentsMd, "utf8")).toContain("handover pickup # mine")
    expect(await readFile(join(repo.dir, ".claude/settings.local.json"), "utf8")).toBe(usersClaudeSettings)
    // Without --purge the store stays.
    expect(spawnSync("test", ["-f", join(repo.dir, ".handover/config.json")]).status).toBe(0)
  })

  it("malformed JSON or a symlinked target: one line naming it, and nothing changed anywhere", async (context) => {
    const repo = await useRepo(context, { initial: { ...initial, ".claude/settings.local.json": "{\n  \"hooks\": {\n  \"x\" 1\n}\n" } })
    const before = await snapshotTree(repo.dir, [".git"])
    const malformed = expectCleanFailure(await repo.cli(["enable", "--all"]), 1)
    expect(malformed).toContain(".claude/settings.local.json")
    expect(malformed).toMatch(/line 3, column \d+/)
    expect(await snapshotTree(repo.dir, [".git"])).toEqual(before)

    const linked = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await symlink(join(linked.base, "elsewhere.md"), join(linked.dir, "AGENTS.md"))
    const beforeLinked = await snapshotTree(linked.dir, [".git"])
    expect(expectCleanFailure(await linked.cli(["enable", "--adapter", "agents", "--adapter", "claude"]), 1)).toContain("AGENTS.md")
    expect(await snapshotTree(linked.dir, [".git"])).toEqual(beforeLinked)
  })

  it("two enables at once make one consistent install", async (context) => {
    const repo = await useRepo(context, { initial })
    const both = await Promise.all([repo.cli(["enable", "--all"]), repo.cli(["enable", "--all"])])
    for (const result of both) expectSuccess(result)
    const claude = await readFile(join(repo.dir, ".claude/settings.local.json"), "utf8")
    expect(claude.match(/startup\|resume\|clear\|compact/g)).toHaveLength(1)
    expect((await readFile(join(repo.dir, "AGENTS.md"), "utf8")).match(/handover:begin/g)).toHaveLength(1)
  })

  it("render writes a resume prompt per installed tool from the current bundle, or into --out for the ones named", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expectSuccess(await repo.cli(["enable", "--adapter", "claude", "--adapter", "cursor"]))
    await writeFile(join(repo.dir, "a.txt"), "changed\n")
    expectSuccess(await repo.cli(["capture", "--title", "Fix the parser", "--next-step", "Run the tests"]))
    const rendered = await repo.cli(["render"])
    expectSuccess(rendered)
    for (const [id, name] of [["claude", "Claude Code"], ["cursor", "Cursor"]] as const) {
      const text = await readFile(join(repo.dir, ".handover/rendered", `${id}.md`), "utf8")
      expect(text).toMatch(new RegExp(`^# Resume in ${name}: Fix the parser\n`))
      expect(text).toContain("1. Run the tests")
      expect(text).toContain(`handover pickup --target ${id}`)
    }
    const out = join(repo.base, "prompts")
    expectSuccess(await repo.cli(["render", "--out", out, "--adapter", "gemini"]))
    expect(await readFile(join(out, "gemini.md"), "utf8")).toContain("handover pickup --target gemini")
  })

  it("an install record committed in the repository is refused by enable and disable: nothing changes", async (context) => {
    const repo = await useRepo(context, { initial })
    // As a hostile repository would carry it: a record claiming AGENTS.md was handover's, with other text "before".
    await repo.write(".handover/installed.json", JSON.stringify({
      schemaVersion: 1,
      adapters: [{ id: "agents", changes: [{ _tag: "FileCreated", path: "AGENTS.md", sha256: "0".repeat(64) }] }],
      files: []
    }))
    await repo.git("add", "--force", ".handover/installed.json")
    await repo.git("commit", "--quiet", "-m", "innocent")
    const before = await snapshotTree(repo.dir, [".git"])
    for (const args of [["disable"], ["disable", "--purge"], ["enable", "--adapter", "agents"]]) {
      expect(expectCleanFailure(await repo.cli(args), 1)).toMatch(/installed\.json is committed in this repository/)
    }
    expect(await snapshotTree(repo.dir, [".git"])).toEqual(before)
  })

  it("without --adapter, enable chooses the tools found on this machine plus AGENTS.md, says why, and records them", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await mkdir(join(repo.home, ".codex"))
    const enabled = await repo.cli(["enable"], { env: { PATH: "/usr/bin:/bin" } })
    expectSuccess(enabled)
    expect(enabled.stdout).toContain(
      "Adapters: codex, agents (found on this machine: codex (~/.codex exists); and AGENTS.md, which many agents read)"
    )
    expect(JSON.parse(await readFile(join(repo.dir, ".handover/config.json"), "utf8")).adapters).toEqual(["codex", "agents"])
    // Later installs follow the config, not the machine.
    await mkdir(join(repo.home, ".gemini"))
    expect((await repo.cli(["install"])).stdout).toContain("Adapters: codex, agents (the config's adapters)")
  })

  it("an unknown adapter is refused with the known ones; install needs an initialised store", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expect(expectCleanFailure(await repo.cli(["enable", "--adapter", "clade"]), 1)).toMatch(/--adapter clade: no such adapter; known adapters: claude, codex/)
    expect(expectCleanFailure(await repo.cli(["install", "--adapter", "claude"]), 1)).toContain("run handover enable")
  })
})
