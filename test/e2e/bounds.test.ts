import { spawn, spawnSync } from "node:child_process"
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { assertCliBuilt, cliPath, git, runCli, snapshotTree, useRepo, useScratch } from "../helpers/repo.js"
import { bundleEntries, capture, expectCleanFailure, expectSuccess, storeDir } from "../helpers/store.js"

// Every input bounded, every interruption reported, every write cleaned up: signals, oversized and special input files,
// a hook's stdin that never closes, a store cloned with only its config.

beforeAll(() => assertCliBuilt())

const preload = fileURLToPath(new URL("../../scripts/chaos-preload.cjs", import.meta.url))

/** Every name under .handover that a write in progress or a killed process would leave. */
const leftovers = async (root: string): Promise<ReadonlyArray<string>> =>
  Object.keys(await snapshotTree(join(root, ".handover"))).filter((path) => /(^|\/)\.(tmp|staging)-/.test(path))

describe.concurrent("a capture stopped by a signal", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} in the middle of writing the bundle: exit ${code}, and the store is as it was`, async (context) => {
      const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
      await repo.write("a.txt", "work in progress\n")
      const previous = await capture(repo)
      // The signal arrives as the new bundle's first file is renamed into its staging directory.
      const result = await repo.cli(["capture", "--title", "interrupted"], {
        env: { NODE_OPTIONS: `--require ${preload}`, HANDOVER_CHAOS_KILL: `rename:1:before:${signal}` }
      })
      expect(result.code, result.stderr).toBe(code)
      expect(await bundleEntries(repo)).toEqual([previous.id])
      expect(await leftovers(repo.dir)).toEqual([])
      const status = await repo.cli(["status", "--json"])
      expect(JSON.parse(status.stdout)).toMatchObject({ current: previous.id, pending: { id: previous.id } })
    })
  }
})

describe.concurrent("--summary-file and standard input are bounded", () => {
  it("a FIFO, a device, a directory and a file over 1 MiB are refused in one line, without reading them", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const fifo = join(repo.base, "summary.fifo")
    spawnSync("mkfifo", [fifo])
    const big = join(repo.base, "big.md")
    await writeFile(big, Buffer.alloc(1024 * 1024 + 1, 0x61))
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      [fifo, /named pipe; give a regular file, or - for standard input/],
      ["/dev/zero", /character device/],
      [repo.base, /a directory/],
      [big, /1048577 bytes, over the 1048576 bytes a summary may have/],
      [join(repo.base, "missing.md"), /no such file/]
    ]
    for (const [path, reason] of cases) {
      const line = expectCleanFailure(await repo.cli(["capture", "--title", "T", "--summary-file", path]), 1)
      expect(line).toMatch(reason)
    }
    expect(await bundleEntries(repo)).toEqual([])
  })

  it("standard input over 1 MiB is refused, not cut; exactly 1 MiB is taken whole", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const over = await repo.cli(["capture", "--title", "T", "--summary-file", "-"], { stdin: "x".repeat(1024 * 1024 + 1) })
    expect(expectCleanFailure(over, 1)).toContain("standard input: more than 1048576 bytes")
    const bundle = await capture(repo, ["--summary-file", "-"], "y".repeat(1024 * 1024))
    expect(bundle.summary).toHaveLength(1024 * 1024)
  })
})

/** Runs a hook whose stdin stays open for the whole test, as an agent that never closes the pipe would. */
const hookWithOpenStdin = (cwd: string, env: NodeJS.ProcessEnv, args: ReadonlyArray<string>, written: string) =>
  new Promise<{ code: number | null; stdout: string; stdinStillOpen: boolean }>((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stdin.on("error", () => {})
    child.stdin.write(written)
    child.on("exit", (code) => {
      const stdinStillOpen = !child.stdin.writableEnded
      child.stdin.destroy()
      resolve({ code, stdout, stdinStillOpen })
    })
  })

describe.concurrent("hooks do not wait for their stdin to close", () => {
  for (const hook of [["on-event", "--tool", "claude", "--event", "Stop"], ["session-start", "--format", "claude"]]) {
    it(`${hook[0]} with a payload written but the pipe left open exits 0 by itself`, async (context) => {
      const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
      expectSuccess(await repo.cli(["init"]))
      const payload = JSON.stringify({ hook_event_name: hook[0] === "on-event" ? "Stop" : "SessionStart", cwd: repo.dir })
      const result = await hookWithOpenStdin(repo.dir, repo.env, hook, payload)
      expect(result).toEqual({ code: 0, stdout: "", stdinStillOpen: true })
    })
  }
})

describe.concurrent("a store as it arrives in a clone", () => {
  it("only config.json and .gitignore committed: on-event creates what is missing and logs the event", async (context) => {
    const scratch = await useScratch(context)
    const origin = join(scratch.base, "origin")
    const clone = join(scratch.base, "clone")
    await mkdir(origin)
    await git(origin, scratch.env, ["init", "--quiet", "--initial-branch=main"])
    expectSuccess(await runCli(["init"], { cwd: origin, env: scratch.env }))
    await git(origin, scratch.env, ["add", ".handover"])
    await git(origin, scratch.env, ["commit", "--quiet", "-m", "share the handover settings"])
    await git(scratch.base, scratch.env, ["clone", "--quiet", origin, clone])
    expect((await readdir(join(clone, ".handover"))).sort()).toEqual([".gitignore", "config.json"])

    const result = await runCli(["on-event", "--tool", "claude", "--event", "Stop", "--verbose"], {
      cwd: clone,
      env: { ...scratch.env, OPENUSAGE_TELEMETRY_SOCKET: join(scratch.base, "none.sock") }
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const log = await readFile(join(clone, ".handover", "state", "events.log"), "utf8")
    expect(log.trim().split("\n")).toHaveLength(1)
    expect(JSON.parse(log)).toMatchObject({ tool: "claude", event: "Stop", action: "skipped" })
  })

  it("pickup of the current bundle leaves no temporary file behind", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const bundle = await capture(repo)
    expectSuccess(await repo.cli(["pickup", "--target", "codex"]))
    expectCleanFailure(await repo.cli(["pickup", bundle.id]), 1)
    expect(await leftovers(repo.dir)).toEqual([])
    expect(await readFile(storeDir(repo, "current", "summary.md"), "utf8")).toContain("Claimed by codex")
  })
})
