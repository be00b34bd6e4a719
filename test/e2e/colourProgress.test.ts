import { spawnSync } from "node:child_process"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { hostile, terminalControl } from "../helpers/bundles.js"
import { claudeSnapshot, codexSnapshot, missingSocketPath, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { bundleIds, daemonEnv, disposeInitTemplate, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt, cliPath, type Repo, run } from "../helpers/repo.js"
import { capture, expectSuccess } from "../helpers/store.js"

// Colour, progress and the quota meter, through the built CLI with a real pseudo-terminal (util-linux script) and
// with pipes: styles only on a terminal (NO_COLOR and FORCE_COLOR obeyed), never in --json or from a hook; progress
// only on a terminal's stderr.

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

const hasScript = spawnSync("script", ["--version"]).status === 0

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`

interface TerminalOptions {
  readonly env?: Readonly<Record<string, string>>
  /** Sends stdout to this file, so that only stderr reaches the terminal. */
  readonly stdoutTo?: string
}

/**
 * Runs handover on a pseudo-terminal (stdin, stdout and stderr) and returns what the terminal showed, with the
 * terminal's "\r\n" turned back into "\n" (a lone "\r", as progress writes it, stays).
 */
const inTerminal = async (repo: Repo, args: ReadonlyArray<string>, options: TerminalOptions = {}) => {
  // exec: script starts $SHELL, which must not stay between the terminal and handover.
  const redirect = options.stdoutTo === undefined ? "" : ` > ${shellQuote(options.stdoutTo)}`
  const command = `exec ${[process.execPath, cliPath, ...args].map(shellQuote).join(" ")}${redirect}`
  const result = await run("script", ["-qec", command, "/dev/null"], { cwd: repo.dir, env: { ...repo.env, ...options.env } })
  return { code: result.code, shown: result.stdout.replace(/\r\n/g, "\n") }
}

const sgr = /\x1b\[[0-9;]*m/g
const anyEscape = /\x1b/

/** A repository with a claimed, a superseded and a pending bundle, the pending one titled with a terminal attack. */
const repoWithEveryState = async () => {
  const repo = await repoForTest()
  await capture(repo, ["--title", "First"])
  expectSuccess(await repo.cli(["pickup", "--target", "codex"]))
  const superseded = await capture(repo, ["--title", "Second"])
  const pending = await capture(repo, ["--title", `Third${hostile.clearScreen}`])
  return { repo, superseded, pending }
}

describe.skipIf(!hasScript)("colour", () => {
  it("status, pending and inspect colour the bundle states on a terminal; hostile text stays escaped", async () => {
    const { pending, repo, superseded } = await repoWithEveryState()

    const status = await inTerminal(repo, ["status"])
    expect(status.code).toBe(0)
    expect(status.shown).toContain(`  ${pending.id}  \x1b[1m\x1b[32mpending\x1b[39m\x1b[22m     Third\\x1b[2J\\x1b[H`)
    expect(status.shown).toContain(`  ${superseded.id}  \x1b[2msuperseded\x1b[22m  Second`)
    expect(status.shown).toContain("\x1b[36mclaimed\x1b[39m")

    const pendingCommand = await inTerminal(repo, ["pending"])
    expect(pendingCommand.shown).toContain(`\x1b[1m\x1b[32mPending\x1b[39m\x1b[22m: ${pending.id} — Third\\x1b[2J`)

    const inspect = await inTerminal(repo, ["inspect", superseded.id])
    expect(inspect.shown).toContain("State: \x1b[2msuperseded\x1b[22m (superseded by")
    expect(inspect.shown).toContain("sha256 \x1b[32mverified\x1b[39m")

    // Our SGR sequences are the only escapes: the title's own are shown, not obeyed.
    for (const { shown } of [status, pendingCommand, inspect, await inTerminal(repo, ["inspect", pending.id])]) {
      expect(shown.replace(sgr, "")).not.toMatch(terminalControl)
    }
  })

  it("is off on a terminal under NO_COLOR or FORCE_COLOR=0, forced through a pipe by FORCE_COLOR", async () => {
    const { repo, superseded } = await repoWithEveryState()
    for (const env of [{ NO_COLOR: "1" }, { FORCE_COLOR: "0" }, { NO_COLOR: "1", FORCE_COLOR: "1" }]) {
      for (const args of [["status"], ["pending"], ["inspect", superseded.id]]) {
        const result = await inTerminal(repo, args, { env })
        expect(result.code).toBe(0)
        expect(result.shown, `${JSON.stringify(env)} ${args.join(" ")}`).not.toMatch(anyEscape)
        expect(result.shown).toMatch(/pending|Pending|superseded/)
      }
    }

    const piped = await repo.cli(["status"])
    expect(piped.stdout).not.toMatch(anyEscape)
    const forced = await repo.cli(["status"], { env: { FORCE_COLOR: "1" } })
    expect(forced.stdout).toContain("\x1b[2msuperseded\x1b[22m")
    // FORCE_COLOR colours stdout; stderr has nothing to colour, and no progress for a pipe.
    const forcedPending = await repo.cli(["pending"], { env: { FORCE_COLOR: "1" } })
    expect(forcedPending.stdout).toContain("\x1b[1m\x1b[32mPending")
  })

  it("never in --json, even on a terminal with FORCE_COLOR", async () => {
    const { pending, repo } = await repoWithEveryState()
    for (const args of [["status", "--json"], ["pending", "--json"], ["inspect", pending.id, "--json"]]) {
      const result = await inTerminal(repo, args, { env: { FORCE_COLOR: "1" } })
      expect(result.code).toBe(0)
      // The JSON escapes the title's ESC as \u001b; nothing raw reaches the terminal.
      expect(result.shown).not.toMatch(anyEscape)
      expect(() => JSON.parse(result.shown) as unknown).not.toThrow()
    }
    const piped = await repo.cli(["status", "--json"], { env: { FORCE_COLOR: "1" } })
    expect(piped.stdout).not.toMatch(anyEscape)
  })
})

describe.skipIf(!hasScript)("the quota meter of status --probe", () => {
  it("draws a bar per tool and window on a terminal; piped and --json it stays text and data", async () => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({
      kind: "ok",
      readModel: readModelOf(claudeSnapshot({ fiveHour: 92, sevenDay: 15 }), codexSnapshot({ primary: 30, secondary: 5 }))
    })
    onTestFinished(() => daemon.close())
    const env = daemonEnv(daemon.socketPath)

    const meter = await inTerminal(repo, ["status", "--probe"], { env: { ...env, NO_COLOR: "1" } })
    expect(meter.code).toBe(0)
    const rows = meter.shown.split("\n").filter((line) => line.includes("│"))
    expect(rows.map((row) => row.trim().split(/\s+/).slice(0, 2))).toEqual([
      ["claude", "5h"],
      ["claude", "7d"],
      ["codex", "5h"],
      ["codex", "7d"]
    ])
    // 92% of the 5h window, over the 90% threshold; it resets 3 h after the snapshot was taken (minutes pass meanwhile).
    expect(rows[0]).toMatch(/^ {2}claude {2}5h {2}█+│░* {2}92% {2}resets in 2h 5\dm {2}usage_five_hour$/)
    expect(rows[3]).toMatch(/ 5% {2}resets in 4d 2[23]h {2}rate_limit_secondary$/)
    expect(meter.shown).not.toContain("claude 92% of 5h window")

    const coloured = await inTerminal(repo, ["status", "--probe"], { env })
    expect(coloured.shown).toContain("\x1b[31m92%\x1b[39m")

    const piped = await repo.cli(["status", "--probe"], { env })
    expect(piped.stdout).toMatch(/^ {2}claude 92% of 5h window \(usage_five_hour\), resets \S+$/m)
    expect(piped.stdout).toMatch(/^ {2}codex 30% of 5h window \(rate_limit_primary\), resets \S+$/m)
    expect(piped.stdout).not.toContain("│")

    const json = await inTerminal(repo, ["status", "--probe", "--json"], { env })
    const report = JSON.parse(json.shown) as { probe: { tools: ReadonlyArray<{ description: string }> } }
    expect(report.probe.tools.map((tool) => tool.description)).toEqual([
      expect.stringMatching(/^claude 92% of 5h window/),
      expect.stringMatching(/^codex 30% of 5h window/)
    ])
  })

  it("keeps a line of text for each tool when the daemon cannot be asked", async () => {
    const repo = await repoForTest()
    const result = await inTerminal(repo, ["status", "--probe"], { env: daemonEnv(missingSocketPath()) })
    expect(result.code).toBe(0)
    expect(result.shown).toMatch(/Daemon: .* — \x1b\[31munavailable\x1b\[39m\n {2}claude: .+\n {2}codex: .+\n$/)
    expect(result.shown).not.toContain("│")
  })
})

describe.skipIf(!hasScript)("progress", () => {
  it("capture shows its steps, files and bytes on a terminal's stderr, then erases them; stdout stays clean", async () => {
    const repo = await repoForTest()
    await repo.write("notes.txt", "new file\n")
    const stdout = join(repo.base, "stdout.txt")
    const result = await inTerminal(repo, ["capture", "--title", "Progress"], { stdoutTo: stdout })
    expect(result.code).toBe(0)
    expect(result.shown).toContain("\rhandover: reading the working tree…\x1b[K")
    expect(result.shown).toMatch(/\rhandover: writing the patch: 2 files, \d+ bytes\x1b\[K/)
    expect(result.shown).toContain("\rhandover: checking the patch applies…\x1b[K")
    // Erased at the end: what the terminal shows last is an empty line.
    expect(result.shown.endsWith("\r\x1b[K")).toBe(true)
    const captured = await readFile(stdout, "utf8")
    expect(captured).toMatch(/^Captured \S+: 2 changed file\(s\)/)
    expect(captured).not.toMatch(/[\r\x1b]/)
  })

  it("capture shows none when stderr is a pipe, with --json, or on a dumb terminal", async () => {
    const repo = await repoForTest()
    const piped = await repo.cli(["capture", "--title", "Piped"])
    expectSuccess(piped)
    expect(piped.stderr).toBe("")
    const json = await inTerminal(repo, ["capture", "--title", "Json", "--json"])
    expect(json.code).toBe(0)
    expect(json.shown).not.toContain("handover:")
    expect(() => JSON.parse(json.shown) as unknown).not.toThrow()
    const dumb = await inTerminal(repo, ["capture", "--title", "Dumb"], { env: { TERM: "dumb" } })
    expect(dumb.shown).not.toContain("handover:")
  })

  it("pickup --apply shows the apply check on a terminal, and nothing piped", async () => {
    const repo = await repoForTest()
    await capture(repo, ["--title", "Apply me"])
    await repo.git("checkout", "--", ".")
    const applied = await inTerminal(repo, ["pickup", "--apply"], { stdoutTo: join(repo.base, "summary.md") })
    expect(applied.code).toBe(0)
    expect(applied.shown).toContain("\rhandover: verifying the patch…\x1b[K")
    expect(applied.shown).toContain("\rhandover: checking the patch applies…\x1b[K")
    expect(applied.shown).toContain("\rhandover: applying the patch…\x1b[K")
    // Erased before each line handover prints on stderr, so those lines start clean.
    expect(applied.shown).toMatch(/\r\x1b\[Khandover: applied workspace\.patch to the working tree: 1 file\n$/)

    await capture(repo, ["--title", "Apply me again"])
    await repo.git("checkout", "--", ".")
    const piped = await repo.cli(["pickup", "--apply"])
    expectSuccess(piped)
    expect(piped.stderr).not.toMatch(/[\r\x1b]|…/)
  })

  it("on-event's automatic capture prints nothing on a terminal: no progress, no colour", async () => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({ kind: "ok", readModel: readModelOf(claudeSnapshot({ fiveHour: 95 })) })
    onTestFinished(() => daemon.close())
    const result = await inTerminal(repo, ["on-event", "--tool", "claude", "--event", "Stop"], {
      env: { ...daemonEnv(daemon.socketPath), FORCE_COLOR: "1" }
    })
    expect(result.code).toBe(0)
    expect(result.shown).toBe("")
    expect(await bundleIds(repo.dir)).toHaveLength(1)
  })
})
