import { mkdir, readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import type { UsageSnapshot } from "../../src/domain/OpenUsage.js"
import { thresholdTrigger } from "../helpers/bundles.js"
import {
  claudeSnapshot,
  codexSnapshot,
  cursorSnapshot,
  type FakeDaemonRequest,
  geminiSnapshot,
  type FakeDaemonScenario,
  makeRefusedSocket,
  missingSocketPath,
  readModelOf,
  startFakeDaemon,
  warmupSnapshot
} from "../helpers/fakeDaemon.js"
import {
  bundleIds,
  daemonEnv,
  disposeInitTemplate,
  eventLog,
  hookPayload,
  repoForTest,
  readBundleJson
} from "../helpers/hooks.js"
import { assertCliBuilt, makeRepo, makeScratch, type Repo, runCli, snapshotTree, stackLines } from "../helpers/repo.js"

// on-event as the agents run it: the built CLI in a child process, a hook payload on stdin, the fake openusage daemon
// on a real Unix socket, and a real git repository where `handover init` has run.

const hour = 3_600_000

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

interface Daemon {
  readonly socketPath: string
  readonly requests: ReadonlyArray<FakeDaemonRequest>
}

/** A fake daemon serving the scenario, or a socket path where none answers; shut down when the test ends. */
const daemonForTest = async (scenario: FakeDaemonScenario | "missing" | "refused"): Promise<Daemon> => {
  if (scenario === "missing") return { socketPath: missingSocketPath(), requests: [] }
  if (scenario === "refused") {
    const refused = await makeRefusedSocket()
    onTestFinished(() => refused.close())
    return { socketPath: refused.socketPath, requests: [] }
  }
  const daemon = await startFakeDaemon(scenario)
  onTestFinished(() => daemon.close())
  return daemon
}

const serving = (...snapshots: ReadonlyArray<UsageSnapshot>): FakeDaemonScenario => ({
  kind: "ok",
  readModel: readModelOf(...snapshots)
})

/** Runs `handover on-event ARGS` in the repository with the payload on stdin, talking to the daemon. */
const onEvent = (repo: Repo, daemon: Daemon, args: ReadonlyArray<string>, stdin: string) =>
  repo.cli(["on-event", ...args], { stdin, env: daemonEnv(daemon.socketPath) })

describe("on-event at the threshold", () => {
  it("captures one bundle from a Claude Stop at 95%, says nothing on stdout, and captures once per window", async () => {
    const repo = await repoForTest()
    const resetsAt = new Date(Date.now() + 3 * hour).toISOString()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95, fiveHourResetsAt: resetsAt })))
    const payload = await hookPayload(repo, "claude", "Stop")

    const first = await onEvent(repo, daemon, ["--tool", "claude"], payload)
    expect(first.code).toBe(0)
    expect(first.stdout).toBe("")
    expect(first.stderr).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.trigger).toEqual({ ...thresholdTrigger, resetsAt, reason: "threshold" })
    expect(bundle.title).toBe("claude at 95% of its 5h window")
    expect(bundle.source).toMatchObject({ tool: "claude", sessionId: "7f3e9a10-2c4b-4d8e-9f01-5a6b7c8d9e0f" })
    // Built from the transcript the payload points at: the request, the edited file, the failing command.
    expect(bundle.summary).toContain("The cart total ignores discounts. Fix it and run the tests.")
    expect(bundle.summary).toContain("src/cart.ts")
    expect(bundle.summary).toMatch(/`npm test -- cart`[^\n]*exit 1/)
    expect(bundle.nextSteps.join("\n")).toContain("npm test -- cart")
    // The uncommitted work travels with it.
    expect(bundle.patch.files.map((file) => file.path)).toEqual(["src/cart.ts"])

    const afterFirst = await eventLog(repo.dir)
    expect(afterFirst).toHaveLength(1)
    expect(afterFirst[0]).toMatchObject({ tool: "claude", event: "Stop", action: "captured", bundleId: ids[0] })
    // Bundles can hold secrets from the working tree: private to the user.
    const store = join(repo.dir, ".handover")
    expect(await modeOf(join(store, "bundles"))).toBe(0o700)
    expect(await modeOf(join(store, "bundles", ids[0]!, "bundle.json"))).toBe(0o600)
    expect(await modeOf(join(store, "bundles", ids[0]!, "workspace.patch"))).toBe(0o600)
    expect(await modeOf(join(store, "state", "events.log"))).toBe(0o600)

    // The same event again, same window: hysteresis, no second bundle, but the decision is logged.
    const second = await onEvent(repo, daemon, ["--tool", "claude"], payload)
    expect(second.code).toBe(0)
    expect(second.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual(ids)
    const afterSecond = await eventLog(repo.dir)
    expect(afterSecond).toHaveLength(2)
    expect(afterSecond[1]).toMatchObject({ tool: "claude", event: "Stop", action: "skipped" })
    expect(afterSecond[1]!.reason).toContain("already captured")
  })

  it("five hooks firing at once at 95% make exactly one bundle", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95 })))
    // Stop and UserPromptSubmit fire milliseconds apart; another client may run the same hooks too.
    const stop = await hookPayload(repo, "claude", "Stop")
    const prompt = await hookPayload(repo, "claude", "UserPromptSubmit")
    const results = await Promise.all(
      [stop, prompt, stop, prompt, stop].map((payload) => onEvent(repo, daemon, ["--tool", "claude"], payload))
    )
    for (const result of results) {
      expect(result.code).toBe(0)
      expect(result.stdout).toBe("")
    }
    expect(await bundleIds(repo.dir)).toHaveLength(1)
    const log = await eventLog(repo.dir)
    expect(log).toHaveLength(5)
    expect(log.filter((line) => line.action === "captured")).toHaveLength(1)
    // Nothing left behind for the next command to trip over: no held lock, no half-written bundle.
    expect(await readdir(join(repo.dir, ".handover", "state"))).not.toContain("lock")
    expect((await readdir(join(repo.dir, ".handover", "bundles"))).filter((name) => name.startsWith("."))).toEqual([])
  })

  it("below the threshold (50%) captures nothing", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 50 })))
    const result = await onEvent(repo, daemon, ["--tool", "claude"], await hookPayload(repo, "claude", "Stop"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual([])
    const log = await eventLog(repo.dir)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ action: "skipped" })
    expect(log[0]!.reason).toContain("below the 90% threshold")
  })
})

describe("on-event for Codex", () => {
  it("captures a Codex UserPromptSubmit with --tool codex at 96% of the primary window", async () => {
    const repo = await repoForTest()
    // Claude is far from its limit: only codex's own quota may decide.
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 10 }), codexSnapshot({ primary: 96 })))
    const result = await onEvent(repo, daemon, ["--tool", "codex"], await hookPayload(repo, "codex", "UserPromptSubmit"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.title).toBe("codex at 96% of its 5h window")
    expect(bundle.trigger).toMatchObject({
      kind: "threshold",
      tool: "codex",
      event: "UserPromptSubmit",
      percent: 96,
      metric: "rate_limit_primary",
      window: "5h"
    })
    expect(bundle.source.tool).toBe("codex")
    expect(bundle.summary).toContain("The cart total ignores discounts. Fix it and run the tests.")
    expect(bundle.summary).toContain("src/discount.ts")
  })

  it("tells a Codex payload from a Claude one without --tool", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 10 }), codexSnapshot({ primary: 96 })))
    const result = await onEvent(repo, daemon, [], await hookPayload(repo, "codex", "Stop"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.trigger).toMatchObject({ tool: "codex", event: "Stop", percent: 96 })
    expect(bundle.source.tool).toBe("codex")
  })

  it("captures when Codex reports LIMITED below the threshold", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(codexSnapshot({ primary: 60, status: "LIMITED" })))
    const result = await onEvent(repo, daemon, ["--tool", "codex"], await hookPayload(repo, "codex", "Stop"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.trigger).toMatchObject({ tool: "codex", percent: 60, reason: "limited" })
    expect(bundle.title).toBe("codex LIMITED at 60% of its 5h window")
  })
})

describe("on-event for Gemini", () => {
  /** A Gemini CLI hook payload: its own event names, the turn's reply as prompt_response. */
  const geminiPayload = (repo: Repo, event: "BeforeAgent" | "AfterAgent") =>
    JSON.stringify({
      session_id: "gemini-session",
      transcript_path: join(repo.home, ".gemini", "tmp", "chats", "session-1.json"),
      cwd: repo.dir,
      hook_event_name: event,
      timestamp: new Date().toISOString(),
      prompt: "Make the cart total apply the discount",
      ...(event === "AfterAgent" ? { prompt_response: "total() now subtracts the discount; tests not run yet." } : {})
    })

  it("Cursor running its own hooks and Claude Code's on one Stop, both quotas spent: one bundle", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95 }), cursorSnapshot({ planPercent: 96 })))
    const stop = JSON.stringify({ conversation_id: "cur-1", hook_event_name: "stop", status: "completed", cwd: repo.dir })
    const results = await Promise.all([
      onEvent(repo, daemon, ["--tool", "cursor"], stop),
      onEvent(repo, daemon, ["--tool", "claude"], stop)
    ])
    for (const result of results) expect(result.code, result.stderr).toBe(0)
    expect(await bundleIds(repo.dir)).toHaveLength(1)
    expect((await eventLog(repo.dir)).filter((line) => line.action === "captured")).toHaveLength(1)
  })

  it("captures an AfterAgent (Stop) at 95% of gemini_cli's quota, with the reply in the summary", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 10 }), geminiSnapshot({ quota: 95 })))
    const result = await onEvent(repo, daemon, ["--tool", "gemini"], geminiPayload(repo, "AfterAgent"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.trigger).toMatchObject({ tool: "gemini", event: "Stop", percent: 95, metric: "quota" })
    expect(bundle.summary).toContain("Last assistant message:\n> total() now subtracts the discount; tests not run yet.")
    expect(bundle.summary).toContain("Make the cart total apply the discount")
  })

  it("takes BeforeAgent as UserPromptSubmit, and knows Gemini's payload without --tool", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(geminiSnapshot({ quota: 97 })))
    const result = await onEvent(repo, daemon, [], geminiPayload(repo, "BeforeAgent"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    expect((await readBundleJson(repo.dir, ids[0]!)).trigger).toMatchObject({ tool: "gemini", event: "UserPromptSubmit" })
  })
})

describe("on-event when the daemon cannot be asked", () => {
  const cases: ReadonlyArray<readonly [string, FakeDaemonScenario | "missing" | "refused", RegExp]> = [
    ["missing (no socket)", "missing", /ENOENT/],
    ["refused (stale socket)", "refused", /ECONNREFUSED/],
    ["hanging", "hang", /did not answer within 1500 ms/],
    ["answering garbage", "garbage", /invalid JSON/],
    ["answering 404 text", "notFoundText", /HTTP 404/],
    ["speaking api_version v9", { kind: "apiVersion", version: "v9" }, /api_version "v9"/]
  ]

  it.each(cases)("daemon %s: exit 0, nothing on stdout, no bundle, the reason with --verbose", async (_, scenario, reason) => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(scenario)
    const payload = await hookPayload(repo, "claude", "Stop")
    const started = Date.now()
    const result = await onEvent(repo, daemon, ["--tool", "claude", "--verbose"], payload)
    const elapsed = Date.now() - started
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("openusage unavailable")
    expect(result.stderr).toMatch(reason)
    expect(stackLines(result.stderr)).toEqual([])
    expect(await bundleIds(repo.dir)).toEqual([])
    expect(await eventLog(repo.dir)).toEqual([expect.objectContaining({ action: "skipped" })])
    // A daemon that never answers must not hold the agent: openusage.timeoutMs (1500) in all, plus start-up.
    if (scenario === "hang") expect(elapsed).toBeLessThan(4000)
  })

  it("captures once anyway with trigger.onUnavailable=capture", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest("missing")
    const payload = await hookPayload(repo, "claude", "Stop")
    const args = ["--tool", "claude", "--set", "trigger.onUnavailable=capture"]
    const first = await onEvent(repo, daemon, args, payload)
    expect(first.code).toBe(0)
    expect(first.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    const bundle = await readBundleJson(repo.dir, ids[0]!)
    expect(bundle.trigger).toMatchObject({ kind: "threshold", tool: "claude", percent: null, reason: "unavailable" })
    expect(bundle.summary).toContain("The cart total ignores discounts. Fix it and run the tests.")

    // Not on every prompt: once, until a real reading re-arms it.
    const second = await onEvent(repo, daemon, args, payload)
    expect(second.code).toBe(0)
    expect(second.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual(ids)
  })
})

describe("on-event with readings that never count as over", () => {
  it.each([
    ["a warm-up placeholder", readModelOf(warmupSnapshot("claude_code")), "warm-up"],
    [
      "a snapshot an hour old at 99%",
      readModelOf(claudeSnapshot({ fiveHour: 99, timestamp: new Date(Date.now() - hour).toISOString() })),
      "min old"
    ]
  ])("%s: no bundle", async (_, readModel, reason) => {
    const repo = await repoForTest()
    const daemon = await daemonForTest({ kind: "ok", readModel })
    const result = await onEvent(repo, daemon, ["--tool", "claude"], await hookPayload(repo, "claude", "Stop"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual([])
    const log = await eventLog(repo.dir)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ action: "skipped" })
    expect(log[0]!.reason).toContain(reason)
  })
})

describe("on-event stdin", () => {
  it("non-JSON stdin: exit 0, nothing on stdout, nothing captured for an unknown tool", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95 })))
    const result = await onEvent(repo, daemon, ["--verbose"], "this is not JSON {")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("not a JSON object")
    expect(stackLines(result.stderr)).toEqual([])
    expect(await bundleIds(repo.dir)).toEqual([])
  })

  it("non-JSON stdin changes nothing even with --tool and --event at 95%, and the event log says why", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95 })))
    const result = await onEvent(repo, daemon, ["--tool", "claude", "--event", "Stop"], "{\"truncated\": ")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual([])
    const log = await eventLog(repo.dir)
    expect(log).toHaveLength(1)
    expect(log[0]!.reason).toContain("not a JSON object")
    expect(daemon.requests).toEqual([])
  })

  it("empty stdin: nothing without flags; with --tool and --event it still captures at 95%", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 95 })))
    const bare = await onEvent(repo, daemon, [], "")
    expect(bare.code).toBe(0)
    expect(bare.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual([])

    const flagged = await onEvent(repo, daemon, ["--tool", "claude", "--event", "Stop"], "")
    expect(flagged.code).toBe(0)
    expect(flagged.stdout).toBe("")
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(1)
    expect((await readBundleJson(repo.dir, ids[0]!)).trigger).toMatchObject({ tool: "claude", event: "Stop", percent: 95 })
  })
})

describe("on-event where handover is not set up", () => {
  it("in a directory that is not a git repository: exit 0, nothing on stdout, nothing written", async () => {
    const scratch = await makeScratch()
    onTestFinished(() => scratch.cleanup())
    const plain = join(scratch.base, "plain")
    await mkdir(plain)
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 99 })))
    const before = await snapshotTree(scratch.base)
    const result = await runCli(["on-event", "--tool", "claude", "--event", "Stop"], {
      cwd: plain,
      // git must not find a repository above the scratch directory either.
      env: { ...scratch.env, ...daemonEnv(daemon.socketPath), GIT_CEILING_DIRECTORIES: scratch.base },
      stdin: JSON.stringify({ cwd: plain, hook_event_name: "Stop", session_id: "s" })
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await snapshotTree(scratch.base)).toEqual(before)
    expect(daemon.requests).toEqual([])
  })

  it("in a repository without handover init: exit 0, nothing on stdout, nothing written", async () => {
    const repo = await makeRepo({ initial: { "a.txt": "a\n" } })
    onTestFinished(() => repo.cleanup())
    await repo.write("a.txt", "b\n")
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 99 })))
    const payload = await hookPayload(repo, "claude", "Stop")
    const before = await snapshotTree(repo.base)
    const result = await onEvent(repo, daemon, ["--tool", "claude"], payload)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await snapshotTree(repo.base)).toEqual(before)
    expect(daemon.requests).toEqual([])
  })
})

describe("on-event for an event outside trigger.events", () => {
  it("SessionStart: no bundle, and the daemon is not asked", async () => {
    const repo = await repoForTest()
    const daemon = await daemonForTest(serving(claudeSnapshot({ fiveHour: 99 })))
    const result = await onEvent(repo, daemon, ["--tool", "claude"], await hookPayload(repo, "claude", "SessionStart"))
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(await bundleIds(repo.dir)).toEqual([])
    expect(daemon.requests).toEqual([])
    const log = await eventLog(repo.dir)
    expect(log).toHaveLength(1)
    expect(log[0]!.reason).toContain("not in trigger.events")
  })
})
