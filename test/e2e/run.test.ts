import { beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn, spawnSync } from "node:child_process"
import { access, mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import { delimiter, join } from "node:path"
import { assertCliBuilt, cliPath, type Repo, runCli, type RunResult, useRepo } from "../helpers/repo.js"
import { capture, expectSuccess, expectUsageError, storeDir } from "../helpers/store.js"

beforeAll(assertCliBuilt)

// `handover run` through the built CLI, starting small node scripts the tests write: what the child sees (argv,
// environment, signals) is what it reports back on stdout, which it shares with handover.

const handoverVars = ["HANDOVER_BUNDLE", "HANDOVER_BUNDLE_ID", "HANDOVER_SUMMARY", "HANDOVER_PATCH"]

/** A node script beside the repository (not in it, so it is no uncommitted work); returns its path. */
const script = async (repo: Repo, name: string, source: string): Promise<string> => {
  const path = join(repo.base, name)
  await writeFile(path, source)
  return path
}

/** A child that prints its argv and the handover variables as JSON, then exits with the code it is given first. */
const reporter = (repo: Repo) =>
  script(
    repo,
    "report.cjs",
    `const vars = ${JSON.stringify(handoverVars)}
const env = Object.fromEntries(vars.filter((name) => name in process.env).map((name) => [name, process.env[name]]))
process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env }) + "\\n")
process.exitCode = Number(process.env.REPORT_EXIT ?? 0)`
  )

interface Report {
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
}

const reportOf = (result: RunResult): Report => JSON.parse(result.stdout) as Report

const exists = (path: string) => access(path).then(() => true, () => false)

/**
 * Starts `handover run` without waiting for it: the child prints "ready" once its signal handlers are in place, and
 * only then does the test signal handover.
 */
const startRun = (repo: Repo, args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [cliPath, "run", ...args], { cwd: repo.dir, env: repo.env, stdio: "pipe" })
  let stdout = ""
  let stderr = ""
  const ready = new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
      if (stdout.includes("ready\n")) resolve()
    })
  )
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  child.stdin.end()
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return { child, ready, done }
}

describe.concurrent("run", () => {
  it("hands the pending bundle to CMD in its environment and exits with CMD's code (7)", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const bundle = await capture(repo, ["--title", "Env check"])
    const check = await script(
      repo,
      "check.cjs",
      `const fs = require("node:fs")
const { HANDOVER_BUNDLE: dir, HANDOVER_BUNDLE_ID: id, HANDOVER_SUMMARY: summary, HANDOVER_PATCH: patch } = process.env
const ok = id === ${JSON.stringify(bundle.id)} && dir === ${JSON.stringify(storeDir(repo, "bundles", bundle.id))} &&
  summary === dir + "/summary.md" && patch === dir + "/workspace.patch" &&
  fs.statSync(dir).isDirectory() && fs.readFileSync(summary, "utf8").includes("Env check") &&
  fs.readFileSync(patch, "utf8").includes("+changed")
process.exit(ok ? 7 : 1)`
    )
    const result = await repo.cli(["run", "--", process.execPath, check])
    expect(result.code, result.stderr).toBe(7)
    expect(result.stderr).toContain(`bundle ${bundle.id} "Env check", pending`)
    // How fresh the bundle is, before CMD starts.
    expect(result.stderr).toMatch(/^handover: captured (less than a minute|\d+ min) ago$/m)
    // Without --claim the bundle stays pending.
    expect(await exists(storeDir(repo, "bundles", bundle.id, "claim.json"))).toBe(false)
  })

  it("without a pending handover CMD runs unchanged, without the HANDOVER_* variables our own environment had", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const report = await reporter(repo)
    const stale = Object.fromEntries(handoverVars.map((name) => [name, "/stale"]))
    const result = await repo.cli(["run", "--claim", "--", process.execPath, report, "x"], {
      env: { ...stale, REPORT_EXIT: "4" }
    })
    expect(result.code).toBe(4)
    expect(reportOf(result)).toEqual({ argv: ["x"], env: {} })
    expect(result.stderr).toContain("no handover is pending")
  })

  it("outside a git repository: one line, and CMD still runs", async (context) => {
    const repo = await useRepo(context, {})
    const report = await reporter(repo)
    const result = await runCli(["run", "--", process.execPath, report], { cwd: repo.base, env: repo.env })
    expectSuccess(result)
    expect(result.stderr).toMatch(/^handover: .* is not inside a git repository.*; starting .* without a handover\n$/)
    expect(reportOf(result).env).toEqual({})
  })

  it("passes CMD's flags untouched, --help and -- included", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const report = await reporter(repo)
    const argv = ["--claim", "--target", "x", "--set", "a=b", "--help", "-h", "--version", "true", "--", "-p", "hi there"]
    const result = await repo.cli(["run", "--", process.execPath, report, ...argv])
    expectSuccess(result)
    expect(reportOf(result).argv).toEqual(argv)
  })

  it("a CMD that does not exist → exit 127; one that is not executable → 126; each with one line", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const missing = await repo.cli(["run", "--", "handover-test-no-such-command"])
    expect(missing.code).toBe(127)
    expect(lastLine(missing)).toBe("handover: handover-test-no-such-command: command not found; check its name or put it on PATH")
    const plain = await script(repo, "plain.txt", "not a program\n")
    const notExecutable = await repo.cli(["run", "--", plain])
    expect(notExecutable.code).toBe(126)
    expect(lastLine(notExecutable)).toContain("not executable")
    for (const result of [missing, notExecutable]) expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it("a child killed by SIGTERM → exit 143", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const result = await repo.cli(["run", "--", process.execPath, "-e", "process.kill(process.pid, 'SIGTERM')"])
    expect(result.code).toBe(143)
    expect(result.signal).toBeNull()
  })

  it("without a command, or with the command not after -- → usage error, exit 2, the problem and the usage line", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const usage = "usage: handover run [--claim] [--target TOOL] [--prompt] [--set KEY=VALUE]... -- CMD [ARG]..."
    expect(expectUsageError(await repo.cli(["run"]))).toEqual(["handover: run needs a command to start", usage])
    expect(expectUsageError(await repo.cli(["run", "--claim", "--"]))[0]).toBe("handover: run needs a command to start")
    expect(expectUsageError(await repo.cli(["run", "echo", "hi"]))[0]).toContain("takes the command after --")
  })

  for (const [signal, code] of [["SIGINT", 42], ["SIGTERM", 43], ["SIGHUP", 44]] as const) {
    it(`${signal} sent to handover reaches the child, and handover exits with the child's code (${code})`, async (context) => {
      const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
      const marker = join(repo.base, "marker")
      const trap = await script(
        repo,
        "trap.cjs",
        `process.on(${JSON.stringify(signal)}, () => {
  require("node:fs").writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(signal)})
  process.exit(${code})
})
process.stdout.write("ready\\n")
setInterval(() => {}, 1000)`
      )
      const started = startRun(repo, ["--", process.execPath, trap])
      await started.ready
      started.child.kill(signal)
      const result = await started.done
      expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code, signal: null })
      expect(await readFile(marker, "utf8")).toBe(signal)
    })
  }

  // util-linux script gives handover a terminal; Ctrl-C typed into it reaches the foreground process group.
  it.skipIf(!hasScript)("on a terminal Ctrl-C reaches the child once: handover does not pass it on again", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const ready = join(repo.base, "ready")
    const count = join(repo.base, "count")
    // Counts SIGINTs and reports the count on SIGTERM, which handover always passes on.
    const counter = await script(
      repo,
      "count.cjs",
      `const fs = require("node:fs")
let sigints = 0
process.on("SIGINT", () => {
  sigints++
  fs.writeFileSync(${JSON.stringify(ready)}, "interrupted")
})
process.on("SIGTERM", () => {
  fs.writeFileSync(${JSON.stringify(count)}, String(sigints))
  process.exit(9)
})
fs.writeFileSync(${JSON.stringify(ready)}, String(process.ppid))
setInterval(() => {}, 1000)`
    )
    // exec: script starts $SHELL, and a shell that stayed to wait (dash) would die of the Ctrl-C itself.
    const command = `exec ${[process.execPath, cliPath, "run", "--", process.execPath, counter].map(shellQuote).join(" ")}`
    const terminal = spawn("script", ["-qec", command, "/dev/null"], { cwd: repo.dir, env: repo.env, stdio: "pipe" })
    terminal.stdout.resume()
    const done = new Promise<number | null>((resolve) => terminal.on("close", resolve))
    const handoverPid = Number(await waitForFile(ready, (text) => /^\d+$/.test(text)))
    terminal.stdin.write("\x03")
    await waitForFile(ready, (text) => text === "interrupted")
    // Both got the terminal's SIGINT before this SIGTERM; a SIGINT handover passed on would reach the child first.
    process.kill(handoverPid, "SIGTERM")
    expect(await done).toBe(9)
    terminal.stdin.end()
    expect(await readFile(count, "utf8")).toBe("1")
  })

  it("of 4 racing run --claim exactly one child gets the handover; claim.json names that run's target", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const bundle = await capture(repo, ["--title", "Race me"])
    const report = await reporter(repo)
    const targets = ["claude", "codex", "gemini", "qwen"]
    const results = await Promise.all(
      targets.map((target) => repo.cli(["run", "--claim", "--target", target, "--", process.execPath, report]))
    )
    for (const result of results) expectSuccess(result)
    const winners = results.filter((result) => reportOf(result).env.HANDOVER_BUNDLE !== undefined)
    expect(winners, results.map((result) => result.stderr).join("\n")).toHaveLength(1)
    const winner = targets[results.indexOf(winners[0]!)]!
    expect(reportOf(winners[0]!).env.HANDOVER_BUNDLE_ID).toBe(bundle.id)
    const claim = JSON.parse(await readFile(storeDir(repo, "bundles", bundle.id, "claim.json"), "utf8")) as { by: string }
    expect(claim.by).toBe(winner)
    for (const loser of results.filter((result) => result !== winners[0])) {
      expect(reportOf(loser).env).toEqual({})
      expect(loser.stderr).toContain(`claimed by ${winner}`)
      expect(loser.stderr).toContain("without a handover")
    }
    expect(await readdir(storeDir(repo, "bundles", bundle.id))).toContain("claim.json")
  })

  it("--prompt passes the resume prompt as one argument, after the adapter's prompt flag, whatever it holds", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const title = `Fix "quoted" and 'single' $(touch pwned) \`tick\` *`
    const summary = "line one with  two spaces\nline two $(echo no) \"q\"\n"
    await capture(repo, ["--title", title, "--summary-file", "-", "--next-step", "step; rm -rf $HOME"], summary)
    // A fake gemini (launch: gemini -i PROMPT) first on PATH, reporting its argv.
    const bin = join(repo.base, "bin")
    await mkdir(bin)
    await writeFile(join(bin, "gemini"), `#!${process.execPath}\n${await readFile(await reporter(repo), "utf8")}`, {
      mode: 0o755
    })
    const env = { PATH: `${bin}${delimiter}${repo.env.PATH ?? ""}` }
    const result = await repo.cli(["run", "--prompt", "--", "gemini", "--model", "x"], { env })
    expectSuccess(result)
    // The same text render writes for gemini, produced independently of run.
    expectSuccess(await repo.cli(["render", "--adapter", "gemini", "--out", join(repo.base, "rendered")]))
    const prompt = await readFile(join(repo.base, "rendered", "gemini.md"), "utf8")
    // run also says how fresh the bundle is (render does not: its files are read later), on one line of its own.
    const freshness = /^Freshness: captured [^\n]* ago\.\n/m
    const argv = reportOf(result).argv as Array<string>
    expect(argv[3]).toMatch(freshness)
    expect([...argv.slice(0, 3), argv[3]!.replace(freshness, "")]).toEqual(["--model", "x", "-i", prompt])
    expect(prompt).toContain(title)
    expect(prompt).toContain("line two $(echo no) \"q\"\n")
    expect(await exists(join(repo.dir, "pwned"))).toBe(false)
  })

  it("--prompt for a tool that takes no prompt, or an unknown one: one note, CMD unchanged; no handover, no prompt", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const report = await reporter(repo)
    const nothingPending = await repo.cli(["run", "--prompt", "--target", "gemini", "--", process.execPath, report])
    expect(reportOf(nothingPending).argv).toEqual([])
    await capture(repo)
    const unknown = await repo.cli(["run", "--prompt", "--", process.execPath, report, "a"])
    expect(reportOf(unknown).argv).toEqual(["a"])
    expect(unknown.stderr).toContain("--prompt: cannot tell which tool node is; name it with --target")
    const noPrompt = await repo.cli(["run", "--prompt", "--target", "kilo", "--", process.execPath, report])
    expect(reportOf(noPrompt).argv).toEqual([])
    expect(noPrompt.stderr).toContain("takes no initial prompt")
  })
})

const lastLine = (result: RunResult) => result.stderr.trimEnd().split("\n").at(-1)

const hasScript = spawnSync("script", ["--version"]).status === 0

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`

/** Waits until the file exists and its text passes `done` (a child's way of saying how far it got). */
const waitForFile = async (path: string, done: (text: string) => boolean): Promise<string> => {
  for (;;) {
    const text = await readFile(path, "utf8").catch(() => "")
    if (done(text)) return text
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
