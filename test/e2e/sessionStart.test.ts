import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { claudeSnapshot, copilotSnapshot, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { bundleIds, daemonEnv, disposeInitTemplate, hookPayload, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt, makeScratch, type Repo, type RunResult, runCli, stackLines } from "../helpers/repo.js"

// session-start as the agents run it: the built CLI in a child process in a real repository, printing the resume
// context (plain, or the SessionStart hook JSON of Claude Code and Codex) only when a handover is pending.

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

const title = "Fix the cart discount"
const nextSteps = ["Run npm test -- cart and read the failure", "Fix the discount loader in src/discount.ts"]

/** `handover capture` by hand; returns the id of the bundle it wrote. */
const capture = async (repo: Repo, extra: ReadonlyArray<string> = []): Promise<string> => {
  const before = await bundleIds(repo.dir)
  const result = await repo.cli([
    "capture",
    "--title",
    title,
    ...nextSteps.flatMap((step) => ["--next-step", step]),
    ...extra
  ])
  expect(result.code, result.stderr).toBe(0)
  const created = (await bundleIds(repo.dir)).filter((id) => !before.includes(id))
  expect(created).toHaveLength(1)
  return created[0]!
}

type Format = "plain" | "claude" | "codex" | "gemini"

/** A Gemini CLI SessionStart payload. */
const geminiSessionStart = (repo: Repo) =>
  JSON.stringify({
    session_id: "gemini-session",
    cwd: repo.dir,
    hook_event_name: "SessionStart",
    timestamp: new Date().toISOString(),
    source: "startup"
  })

/** session-start in the repository; each tool gets its own SessionStart payload on stdin, as its hook does. */
const sessionStart = async (repo: Repo, format: Format, extra: ReadonlyArray<string> = []): Promise<RunResult> =>
  repo.cli(
    ["session-start", ...(format === "plain" ? [] : ["--format", format]), ...extra],
    format === "plain"
      ? {}
      : { stdin: format === "gemini" ? geminiSessionStart(repo) : await hookPayload(repo, format, "SessionStart") }
  )

/** The stdout of a claude/codex session-start: exactly one hook JSON document; returns its additionalContext. */
const hookContext = (result: RunResult): string => {
  expect(result.code).toBe(0)
  const document: unknown = JSON.parse(result.stdout)
  expect(document).toEqual({
    hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: expect.any(String) }
  })
  return (document as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext
}

const expectSilent = (result: RunResult) => {
  expect(result.code).toBe(0)
  expect(result.stdout).toBe("")
  expect(stackLines(result.stderr)).toEqual([])
}

describe("session-start with nothing pending", () => {
  it("prints nothing and exits 0 in every format", async () => {
    const repo = await repoForTest()
    for (const format of ["plain", "claude", "codex", "gemini"] as const) expectSilent(await sessionStart(repo, format))
  })
})

describe("session-start with a pending handover", () => {
  it("plain: the title, the next steps, where the bundle is and how to pick it up", async () => {
    const repo = await repoForTest()
    const id = await capture(repo, ["--summary", "Discounts are loaded but never applied."])
    const result = await sessionStart(repo, "plain")
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(title)
    for (const step of nextSteps) expect(result.stdout).toContain(step)
    expect(result.stdout).toContain("Discounts are loaded but never applied.")
    expect(result.stdout).toContain(join(repo.dir, ".handover", "bundles", id))
    expect(result.stdout).toContain("handover pickup")
  })

  it("claude, codex, gemini: one hook JSON document, nothing else, within 10,000 characters, even for a 50 KB summary", async () => {
    const repo = await repoForTest()
    const summaryFile = join(repo.base, "summary.md")
    await writeFile(summaryFile, "The discount is read from the wrong field of the cart line. ".repeat(900))
    await capture(repo, ["--summary-file", summaryFile])
    for (const format of ["claude", "codex", "gemini"] as const) {
      const context = hookContext(await sessionStart(repo, format))
      expect(context.length).toBeLessThanOrEqual(10_000)
      expect(context).toContain(title)
      for (const step of nextSteps) expect(context).toContain(step)
      expect(context).toContain("The discount is read from the wrong field")
      // The agent claims the handover as itself.
      expect(context).toContain(`handover pickup --target ${format}`)
    }
  })

  it("copilot: captured at 95% of its premium quota, offered to its other sessions as a top-level additionalContext", async () => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({ kind: "ok", readModel: readModelOf(copilotSnapshot({ premiumUsed: 285 })) })
    onTestFinished(() => daemon.close())
    // Copilot CLI's camelCase payloads, which name no event: the hook command passes it.
    const payload = (sessionId: string) => JSON.stringify({ sessionId, cwd: repo.dir, timestamp: Date.now() })
    const stop = await repo.cli(["on-event", "--tool", "copilot", "--event", "agentStop"], {
      stdin: payload("copilot-1"),
      env: daemonEnv(daemon.socketPath)
    })
    expect(stop.code, stop.stderr).toBe(0)
    expect(await bundleIds(repo.dir)).toHaveLength(1)

    expectSilent(await repo.cli(["session-start", "--format", "copilot"], { stdin: payload("copilot-1") }))
    const result = await repo.cli(["session-start", "--format", "copilot"], { stdin: payload("copilot-2") })
    expect(result.code, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout) as { additionalContext: string }
    expect(Object.keys(document)).toEqual(["additionalContext"])
    expect(document.additionalContext).toContain("copilot at 95% of")
    expect(document.additionalContext).toContain("handover pickup --target copilot")
  })

  it("a bundle captured for codex is offered to codex, not to claude", async () => {
    const repo = await repoForTest()
    await capture(repo, ["--target", "codex"])
    expectSilent(await sessionStart(repo, "claude"))
    expect(hookContext(await sessionStart(repo, "codex"))).toContain(title)
  })

  it("is not offered back to the session that captured it (compact, resume), only to other sessions", async () => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({ kind: "ok", readModel: readModelOf(claudeSnapshot({ fiveHour: 95 })) })
    onTestFinished(() => daemon.close())
    const stop = await repo.cli(["on-event", "--tool", "claude"], {
      stdin: await hookPayload(repo, "claude", "Stop"),
      env: daemonEnv(daemon.socketPath)
    })
    expect(stop.code, stop.stderr).toBe(0)
    expect(await bundleIds(repo.dir)).toHaveLength(1)

    const sameSession = await hookPayload(repo, "claude", "SessionStart", { source: "compact" })
    expectSilent(await repo.cli(["session-start", "--format", "claude"], { stdin: sameSession }))
    const otherSession = await hookPayload(repo, "claude", "SessionStart", { session_id: "another-session" })
    expect(hookContext(await repo.cli(["session-start", "--format", "claude"], { stdin: otherSession })))
      .toContain("claude at 95% of its 5h window")
  })

  it("says how old the handover is, and when HEAD moved since the capture, by how many commits", async () => {
    const repo = await repoForTest()
    await capture(repo)
    const captured = (await repo.git("rev-parse", "HEAD")).trim()
    expect(hookContext(await sessionStart(repo, "claude"))).toContain("Freshness: captured less than a minute ago.")

    await repo.write("CHANGELOG.md", "# changes\n")
    await repo.git("add", "CHANGELOG.md")
    await repo.git("commit", "--quiet", "--no-verify", "-m", "another commit")
    await repo.git("checkout", "--quiet", "-b", "elsewhere")
    const head = (await repo.git("rev-parse", "HEAD")).trim()
    const context = hookContext(await sessionStart(repo, "claude"))
    expect(context).toContain(
      `Freshness: captured less than a minute ago; captured on branch main, this is elsewhere; HEAD moved: 1 commit since the capture (${
        captured.slice(0, 7)
      } → ${head.slice(0, 7)}).`
    )
    expect(context.length).toBeLessThanOrEqual(10_000)
  })

  it("prints nothing once the handover has been picked up", async () => {
    const repo = await repoForTest()
    await capture(repo)
    const pickup = await repo.cli(["pickup"])
    expect(pickup.code, pickup.stderr).toBe(0)
    for (const format of ["plain", "claude", "codex"] as const) expectSilent(await sessionStart(repo, format))
  })
})

describe("session-start fails open", () => {
  it("with a corrupt config: exit 0, nothing on stdout", async () => {
    const repo = await repoForTest()
    await capture(repo)
    await repo.write(".handover/config.json", "{ this is not JSON")
    expectSilent(await sessionStart(repo, "plain"))
    const verbose = await sessionStart(repo, "claude", ["--verbose"])
    expectSilent(verbose)
    expect(verbose.stderr).toContain("config.json")
  })

  it("outside a git repository: exit 0, nothing on stdout", async () => {
    const scratch = await makeScratch()
    onTestFinished(() => scratch.cleanup())
    const plain = join(scratch.base, "plain")
    await mkdir(plain)
    for (const format of ["plain", "claude"] as const) {
      expectSilent(
        await runCli(["session-start", "--format", format], {
          cwd: plain,
          env: { ...scratch.env, GIT_CEILING_DIRECTORIES: scratch.base },
          stdin: JSON.stringify({ cwd: plain, hook_event_name: "SessionStart", source: "startup" })
        })
      )
    }
  })
})
