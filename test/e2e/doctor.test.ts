import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { chmod, cp, lstat, mkdir, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises"
import { delimiter, dirname, join } from "node:path"
import { hookCommand } from "../../src/domain/agents/hooks.js"
import { beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { claudeSnapshot, codexSnapshot, missingSocketPath, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { assertCliBuilt, cliPath, makeRepo, makeScratch, type Repo, run, type RunResult, writeFileIn } from "../helpers/repo.js"

// `handover doctor` through the built CLI, in real repositories with a scratch HOME (so ~/.codex/config.toml is the
// test's), the stand-in openusage daemon, and hooks installed by the real `enable`.

beforeAll(() => assertCliBuilt())

/** The caller's PATH without any directory holding a `handover`: hooks that lose their recorded one find none. */
const pathWithoutHandover = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => dir !== "" && !existsSync(join(dir, "handover")))
  .join(delimiter)

interface Setup {
  readonly repo: Repo
  readonly root: string
  readonly env: Record<string, string>
  readonly doctor: (args?: ReadonlyArray<string>) => Promise<RunResult>
}

/**
 * A repository set up as a user would: claude and codex enabled by `installedWith` (a copy of the CLI, when the test
 * wants to take it away), Codex trusting the project, a daemon reporting both quotas, and one capture in the store.
 */
const setUp = async (options: { readonly installedWith?: string; readonly daemon?: "ok" | "missing" } = {}): Promise<Setup> => {
  const repo = await makeRepo({ initial: { "README.md": "# shop\n" } })
  onTestFinished(() => repo.cleanup())
  const root = await realpath(repo.dir)
  let socketPath = missingSocketPath()
  if (options.daemon !== "missing") {
    const daemon = await startFakeDaemon({
      kind: "ok",
      readModel: readModelOf(claudeSnapshot({ fiveHour: 42 }), codexSnapshot({ primary: 17 }))
    })
    onTestFinished(() => daemon.close())
    socketPath = daemon.socketPath
  }
  const env = { OPENUSAGE_TELEMETRY_SOCKET: socketPath, PATH: pathWithoutHandover }
  const enable = await run(process.execPath, [options.installedWith ?? cliPath, "enable", "--adapter", "claude", "--adapter", "codex"], {
    cwd: repo.dir,
    env: { ...repo.env, ...env }
  })
  expect(enable.code, enable.stderr).toBe(0)
  await writeFileIn(repo.home, ".codex/config.toml", `model = "o3"\n\n[projects."${root}"]\ntrust_level = "trusted"\n`)
  await repo.write("README.md", "# shop\n\nwork in progress\n")
  const capture = await repo.cli(["capture", "--title", "Work in progress"], { env })
  expect(capture.code, capture.stderr).toBe(0)
  return { repo, root, env, doctor: (args = []) => repo.cli(["doctor", ...args], { env }) }
}

/** Every file and directory under `dir` with its mode, size and mtime: what doctor must leave as it found it. */
const snapshot = async (dir: string): Promise<ReadonlyArray<string>> => {
  const lines: Array<string> = []
  const walk = async (at: string): Promise<void> => {
    for (const name of (await readdir(at)).sort()) {
      const path = join(at, name)
      const info = await lstat(path)
      lines.push(`${path} ${info.mode} ${info.size} ${info.mtimeMs}`)
      if (info.isDirectory() && name !== ".git") await walk(path)
    }
  }
  await walk(dir)
  return lines
}

const lineAfter = (output: string, start: string): string | undefined => {
  const lines = output.split("\n")
  const index = lines.findIndex((line) => line.startsWith(start))
  return index < 0 ? undefined : lines[index + 1]
}

interface Report {
  readonly ok: boolean
  readonly checks: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly detail: string; readonly fix: string | null }>
}

describe("handover doctor", () => {
  it("passes every check of a working set-up, exits 0, and changes nothing", async () => {
    const { doctor, repo, root } = await setUp()
    const before = await snapshot(repo.dir)

    const result = await doctor()
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stderr).toBe("")
    const lines = result.stdout.trimEnd().split("\n")
    // Piped: plain ASCII, one line per check, no escape sequences.
    expect(lines.slice(0, -1).every((line) => line.startsWith("ok   ")), result.stdout).toBe(true)
    expect(result.stdout).not.toMatch(/[✓✗\u001b]/)
    expect(lines.at(-1)).toMatch(/^All \d+ checks passed\.$/)
    expect(result.stdout).toContain(`ok   repository: inside the git repository ${root}`)
    expect(result.stdout).toMatch(/ok {3}daemon: openusage answers at .* \(daemon 0\.24\.4, api v1\)/)
    expect(result.stdout).toMatch(/ok {3}quota:claude: claude 42% of 5h window/)
    expect(result.stdout).toMatch(/ok {3}quota:codex: codex 17% of 5h window/)
    expect(result.stdout).toContain(`ok   hooks:claude: .claude/settings.local.json runs ${process.execPath} ${cliPath} (handover `)
    expect(result.stdout).toContain("ok   trust:codex:")

    expect(await snapshot(repo.dir)).toEqual(before)
  })

  it("--json is one document of every check: name, ok, detail, fix", async () => {
    const { doctor } = await setUp()
    const result = await doctor(["--json"])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as Report
    expect(report.ok).toBe(true)
    expect(report.checks.map((check) => check.name)).toEqual([
      "node", "git", "repository", "store", "config", "daemon", "quota:claude", "quota:codex",
      "hooks:claude", "hooks:codex", "trust:codex", "compile-cache"
    ])
    for (const check of report.checks) {
      expect(Object.keys(check)).toEqual(["name", "ok", "detail", "fix"])
      expect(check).toMatchObject({ ok: true, fix: null })
      expect(typeof check.detail).toBe("string")
    }
  })

  it("without a daemon: a failed daemon check saying how to start it, and exit 1", async () => {
    const { doctor } = await setUp({ daemon: "missing" })
    const result = await doctor()
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^FAIL daemon: no openusage daemon answers at .*: no automatic captures for claude, codex$/m)
    expect(lineAfter(result.stdout, "FAIL daemon")).toBe(
      "      fix: openusage telemetry daemon install (a user service; or openusage telemetry daemon run in a terminal), or set openusage.socketPath"
    )
    // Nothing to read a quota from: no quota lines, and everything else still checked.
    expect(result.stdout).not.toContain("quota:")
    expect(result.stdout).toContain("ok   hooks:claude:")
    expect(result.stdout.trimEnd().split("\n").at(-1)).toMatch(/^1 of \d+ checks failed/)

    const json = JSON.parse((await doctor(["--json"])).stdout) as Report
    expect(json.ok).toBe(false)
    expect(json.checks.find((check) => check.name === "daemon")).toMatchObject({ ok: false, fix: expect.stringContaining("openusage telemetry daemon install") })
  })

  it("a broken config: exit 1, what is wrong, and the file to fix", async () => {
    const { doctor, root, repo } = await setUp()
    const configPath = join(root, ".handover", "config.json")
    const config = JSON.parse(await readFile(configPath, "utf8")) as { trigger: Record<string, unknown> }
    config.trigger["thresholdPercent"] = 150
    await writeFile(configPath, JSON.stringify(config))
    const result = await doctor()
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`^FAIL config: invalid: ${configPath}: trigger\\.thresholdPercent: .*$`, "m"))
    expect(lineAfter(result.stdout, "FAIL config")).toBe(
      `      fix: edit ${configPath} (handover print-config --defaults prints every key with its default)`
    )

    // Same validation as every other command: an unknown key too.
    await writeFile(configPath, JSON.stringify({ ...config, trigger: { ...config.trigger, thresholdPercent: 90, tresholdPercent: 80 } }))
    const typo = await repo.cli(["doctor", "--json"])
    const check = (JSON.parse(typo.stdout) as Report).checks.find((entry) => entry.name === "config")
    expect(check?.ok).toBe(false)
    expect(check?.detail).toContain("tresholdPercent")
  })

  it("a hook pointing at a handover that is gone: exit 1, and the fix line that makes doctor pass again", async () => {
    // Enabled with a copy of handover that is then removed, as when a user moves or uninstalls it.
    const scratch = await makeScratch()
    onTestFinished(() => scratch.cleanup())
    const copy = join(scratch.base, "old-install", "dist")
    await cp(dirname(cliPath), copy, { recursive: true })
    const broken = await setUp({ installedWith: join(copy, "handover.js") })
    await rm(join(scratch.base, "old-install"), { recursive: true })

    const result = await broken.doctor()
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^FAIL hooks:claude: \.claude\/settings\.local\.json finds no handover to run \(.*old-install\/dist\/handover\.js is missing.*no handover on PATH\), so its hooks do nothing$/m)
    const fix = lineAfter(result.stdout, "FAIL hooks:claude")
    expect(fix).toBe("      fix: handover disable --adapter claude && handover install --adapter claude")

    // The fix, run with the handover that works, repairs it.
    for (const args of [["disable", "--adapter", "claude"], ["install", "--adapter", "claude"]]) {
      const step = await broken.repo.cli(args, { env: broken.env })
      expect(step.code, step.stderr).toBe(0)
    }
    const after = await broken.doctor()
    expect(after.stdout).toMatch(/^ok {3}hooks:claude: /m)
    expect(after.stdout).toMatch(/^FAIL hooks:codex: /m)
  })

  it("never runs a program a hook file names unless it is node and handover, outside the repository, named by a file not committed", async () => {
    const { doctor, repo, root } = await setUp()
    const canary = join(repo.base, "ran")
    const evil = `#!/bin/sh\necho ran > ${canary}\necho 9.9.9\n`
    await writeFileIn(repo.base, "tools/evil", evil, 0o755)
    await writeFileIn(root, "node_modules/.bin/handover.js", evil, 0o755)
    const hooksNaming = (handoverPath: string) => JSON.stringify({
      hooks: Object.fromEntries(["SessionStart", "UserPromptSubmit", "Stop"].map((event) => [event, [{
        hooks: [{ type: "command", command: hookCommand(handoverPath, event === "SessionStart" ? ["session-start", "--format", "claude"] : ["on-event", "--tool", "claude"]) }]
      }]]))
    })

    await writeFile(join(root, ".claude", "settings.local.json"), hooksNaming(join(repo.base, "tools", "evil")))
    const outside = await doctor()
    expect(outside.code).toBe(1)
    expect(outside.stdout).toMatch(/^FAIL hooks:claude: .* runs .*tools\/evil, which fails: that is not node and handover, so doctor does not run it$/m)

    await writeFile(join(root, ".claude", "settings.local.json"), hooksNaming(join(root, "node_modules", ".bin", "handover.js")))
    const inside = await doctor()
    expect(inside.stdout).toMatch(/^ok {3}hooks:claude: .* runs .*node_modules\/\.bin\/handover\.js \(inside the repository: not run\)$/m)
    expect(existsSync(canary)).toBe(false)

    // Named like handover and outside the repository, but in a hook file that came with it (committed): not run.
    await writeFileIn(repo.base, "elsewhere/handover", evil, 0o755)
    await writeFile(join(root, ".claude", "settings.local.json"), hooksNaming(join(repo.base, "elsewhere", "handover")))
    await repo.git("add", "--force", ".claude/settings.local.json")
    await repo.git("commit", "--quiet", "--no-verify", "-m", "hooks")
    const committed = await doctor()
    expect(committed.stdout).toMatch(/^ok {3}hooks:claude: .* runs .*elsewhere\/handover \(the file is committed: not run\)$/m)
    expect(existsSync(canary)).toBe(false)
    // The same file written here, not committed, is the user's own: doctor runs what it names.
    await repo.git("rm", "--quiet", "--cached", ".claude/settings.local.json")
    const local = await doctor()
    expect(local.stdout).toMatch(/^ok {3}hooks:claude: .* runs .*elsewhere\/handover \(handover 9\.9\.9\)$/m)
    expect(existsSync(canary)).toBe(true)
  })

  it("Codex trust: untrusted fails with how to trust; a linked config.toml is followed; an unreadable one fails", async () => {
    const { doctor, repo, root } = await setUp()
    const config = join(repo.home, ".codex", "config.toml")
    await writeFile(config, `[projects."${root}"]\ntrust_level = "untrusted"\n`)
    const untrusted = await doctor()
    expect(untrusted.code).toBe(1)
    expect(untrusted.stdout).toMatch(/^FAIL trust:codex: .*config\.toml marks this project untrusted/m)
    expect(untrusted.stdout).toContain(`      fix: start codex in ${root} and trust the folder when it asks`)

    // Dotfiles are often links into a repository of their own: the user's file, followed.
    const dotfile = join(repo.base, "dotfiles", "codex.toml")
    await writeFileIn(repo.base, "dotfiles/codex.toml", `[projects."${root}"]\ntrust_level = "trusted"\n`)
    await rm(config)
    await symlink(dotfile, config)
    expect((await doctor()).stdout).toMatch(/^ok {3}trust:codex: /m)

    await rm(config)
    await mkdir(config)
    const unreadable = await doctor()
    expect(unreadable.code).toBe(1)
    expect(unreadable.stdout).toMatch(/^FAIL trust:codex: cannot read .*config\.toml \(.*\), so whether codex loads its hooks is unknown$/m)
  })

  it("store directories readable by others: the path and the chmod that fixes it", async () => {
    const { doctor, root } = await setUp()
    const state = join(root, ".handover", "state")
    await chmod(state, 0o755)
    const result = await doctor()
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`FAIL store: ${state} is 0755, not private (0700)`)
    expect(lineAfter(result.stdout, "FAIL store")).toBe(`      fix: chmod 700 ${state}`)
  })

  it.runIf(spawnSync("script", ["--version"]).status === 0)("on a terminal: ✓ and ✗, in colour unless NO_COLOR", async () => {
    const { env, repo } = await setUp({ daemon: "missing" })
    const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`
    const command = `exec ${[process.execPath, cliPath, "doctor"].map(quote).join(" ")}`
    const onTerminal = async (extra: Record<string, string>) =>
      (await run("script", ["-qec", command, "/dev/null"], { cwd: repo.dir, env: { ...repo.env, ...env, ...extra } }))
        .stdout.replace(/\r/g, "")
    const coloured = await onTerminal({})
    expect(coloured).toMatch(/^\u001b\[32m✓\u001b\[39m node: /m)
    expect(coloured).toMatch(/^\u001b\[31m✗\u001b\[39m daemon: /m)
    const plain = await onTerminal({ NO_COLOR: "1" })
    expect(plain).not.toContain("\u001b")
    expect(plain).toMatch(/^✓ node: /m)
    expect(plain).toMatch(/^✗ daemon: /m)
    expect(plain).toMatch(/^ {2}→ openusage telemetry daemon install/m)
  })
})
