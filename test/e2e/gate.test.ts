import { spawnSync } from "node:child_process"
import { readdir, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { claudeSnapshot, readModelOf, startFakeDaemon, type FakeDaemonScenario } from "../helpers/fakeDaemon.js"
import { bundleIds, daemonEnv, disposeInitTemplate, eventLog, hookPayload, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt, makeScratch, type Repo } from "../helpers/repo.js"

// The hook gate through the built CLI: dist/handover.js settles the hooks' common case alone and hands everything else,
// with the stdin it read, to the full CLI in dist/handover-cli.js. Whether the full CLI ran shows without timing: it
// writes its V8 code cache into an empty $XDG_CACHE_HOME, which the gate never does.

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

const hour = 3_600_000

const daemonServing = async (scenario: FakeDaemonScenario) => {
  const daemon = await startFakeDaemon(scenario)
  onTestFinished(() => daemon.close())
  return daemon
}

const claudeAt = (percent: number): FakeDaemonScenario => ({
  kind: "ok",
  readModel: readModelOf(claudeSnapshot({ fiveHour: percent, fiveHourResetsAt: new Date(Date.now() + 3 * hour).toISOString() }))
})

/** Runs a hook with a fresh compile cache; `fullCliRan` tells whether the gate handed the command over. */
const hook = async (repo: Repo, args: ReadonlyArray<string>, stdin: string, env: Record<string, string> = {}) => {
  const cache = await makeScratch()
  onTestFinished(() => cache.cleanup())
  const result = await repo.cli(args, { stdin, env: { ...env, XDG_CACHE_HOME: cache.base } })
  const cached = await readdir(join(cache.base, "handover")).catch(() => [] as Array<string>)
  return { ...result, fullCliRan: cached.some((name) => name.endsWith(".v8cache")) }
}

const withoutTime = (line: object) => ({ ...line, at: "" })

describe("the hook gate, on-event", () => {
  it("settles a Stop below the threshold alone, with the very line the full CLI logs", async () => {
    const repo = await repoForTest()
    const daemon = await daemonServing(claudeAt(40))
    const payload = await hookPayload(repo, "claude", "Stop")
    const gated = await hook(repo, ["on-event", "--tool", "claude"], payload, daemonEnv(daemon.socketPath))
    expect(gated).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })
    // --verbose is always the full CLI's: it explains on stderr.
    const full = await hook(repo, ["on-event", "--tool", "claude", "--verbose"], payload, daemonEnv(daemon.socketPath))
    expect(full).toMatchObject({ code: 0, stdout: "", fullCliRan: true })
    const [byGate, byCli] = await eventLog(repo.dir)
    expect(byGate!.reason).toBe("claude at 40% of 5h window (usage_five_hour), below the 90% threshold")
    expect(withoutTime(byGate!)).toEqual(withoutTime(byCli!))
    expect(await bundleIds(repo.dir)).toEqual([])
  })

  it("takes a committed timeout too long for a Node timer without a warning: settled alone, nothing on stderr", async () => {
    const repo = await repoForTest()
    const daemon = await daemonServing(claudeAt(40))
    await writeFile(join(repo.dir, ".handover", "config.json"), JSON.stringify({ openusage: { timeoutMs: 2 ** 31 + 5 } }))
    const gated = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"), daemonEnv(daemon.socketPath))
    expect(gated).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })
    expect((await eventLog(repo.dir)).at(-1)!.reason).toContain("below the 90% threshold")
  })

  it("hands a capture over with the payload it read: one bundle from that session, nothing printed", async () => {
    const repo = await repoForTest()
    const daemon = await daemonServing(claudeAt(95))
    const payload = await hookPayload(repo, "claude", "Stop", { session_id: "gate-session" })
    const result = await hook(repo, ["on-event", "--tool", "claude"], payload, daemonEnv(daemon.socketPath))
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: true })
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = JSON.parse(await readFile(join(repo.dir, ".handover", "bundles", ids[0]!, "bundle.json"), "utf8"))
    expect(bundle.source.sessionId).toBe("gate-session")
    expect((await eventLog(repo.dir)).map((line) => line.action)).toEqual(["captured"])
  })

  it("does nothing and logs nothing where handover is not initialised", async () => {
    const repo = await repoForTest()
    await rm(join(repo.dir, ".handover"), { recursive: true })
    const result = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"))
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })
    expect(await readdir(repo.dir)).not.toContain(".handover")
  })

  it("never follows a linked events.log: it hands over, and the full CLI refuses it too", async () => {
    const repo = await repoForTest()
    const daemon = await daemonServing(claudeAt(40))
    const outside = join(repo.home, "outside.log")
    await writeFile(outside, "untouched\n")
    await symlink(outside, join(repo.dir, ".handover", "state", "events.log"))
    const result = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"), daemonEnv(daemon.socketPath))
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: true })
    expect(await readFile(outside, "utf8")).toBe("untouched\n")
  })

  it("settles alone when no daemon listens (no socket, or one nobody listens on), with the very line the full CLI logs", async () => {
    const repo = await repoForTest()
    const scratch = await makeScratch()
    onTestFinished(() => scratch.cleanup())
    // A socket file left by a daemon that was killed: connecting is refused.
    const stale = join(scratch.base, "stale.sock")
    spawnSync(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, "SIGKILL"))`])
    for (const socketPath of [join(scratch.base, "missing.sock"), stale]) {
      const payload = await hookPayload(repo, "claude", "Stop")
      const gated = await hook(repo, ["on-event", "--tool", "claude"], payload, daemonEnv(socketPath))
      expect(gated).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })
      const full = await hook(repo, ["on-event", "--tool", "claude", "--verbose"], payload, daemonEnv(socketPath))
      expect(full).toMatchObject({ code: 0, stdout: "", fullCliRan: true })
      const [byGate, byCli] = (await eventLog(repo.dir)).slice(-2)
      expect(byGate!.reason).toContain(socketPath.endsWith("stale.sock") ? "ECONNREFUSED" : "ENOENT")
      expect(withoutTime(byGate!)).toEqual(withoutTime(byCli!))
    }
    // With trigger.onUnavailable capture the trigger memory decides: the full CLI's, and it captures.
    await writeFile(join(repo.dir, ".handover", "config.json"), JSON.stringify({ trigger: { onUnavailable: "capture" } }))
    await repo.write("a.txt", "changed\n")
    const capturing = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"), daemonEnv(stale))
    expect(capturing).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: true })
    expect(await bundleIds(repo.dir)).toHaveLength(1)
  })

  it("hands over a garbage config and a daemon that never answers, and still exits 0 with nothing printed", async () => {
    const repo = await repoForTest()
    const hanging = await daemonServing("hang")
    await writeFile(join(repo.dir, ".handover", "config.json"), JSON.stringify({ openusage: { timeoutMs: 200 } }))
    const slow = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"), daemonEnv(hanging.socketPath))
    expect(slow).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: true })
    expect((await eventLog(repo.dir)).at(-1)!.reason).toContain("openusage unavailable")

    await writeFile(join(repo.dir, ".handover", "config.json"), "{ not json")
    const garbage = await hook(repo, ["on-event", "--tool", "claude"], await hookPayload(repo, "claude", "Stop"))
    expect(garbage).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: true })
    expect((await eventLog(repo.dir)).at(-1)!.reason).toContain("invalid config")
  })
})

describe("the hook gate, session-start", () => {
  const sessionStart = ["session-start", "--format", "claude"]
  const payload = (repo: Repo) => JSON.stringify({ session_id: "next-session", cwd: repo.dir, hook_event_name: "SessionStart" })

  it("prints nothing, alone, when no bundle was ever captured or every bundle is claimed", async () => {
    const repo = await repoForTest()
    expect(await hook(repo, sessionStart, payload(repo))).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })

    expect((await repo.cli(["capture", "--title", "Fix the cart"])).code).toBe(0)
    expect((await repo.cli(["pickup", "--target", "codex"])).code).toBe(0)
    expect(await hook(repo, sessionStart, payload(repo))).toMatchObject({ code: 0, stdout: "", stderr: "", fullCliRan: false })
  })

  it("hands a pending handover over: the output is the full CLI's", async () => {
    const repo = await repoForTest()
    expect((await repo.cli(["capture", "--title", "Fix the cart"])).code).toBe(0)
    const gated = await hook(repo, sessionStart, payload(repo))
    const full = await hook(repo, [...sessionStart, "--verbose"], payload(repo))
    expect(gated).toMatchObject({ code: 0, stderr: "", fullCliRan: true })
    expect(gated.stdout).toContain("Fix the cart")
    expect(gated.stdout).toBe(full.stdout)
  })
})
