import { spawnSync } from "node:child_process"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { UsageSnapshot } from "../../src/domain/OpenUsage.js"
import { claudeSnapshot, codexSnapshot, readModelOf } from "../helpers/fakeDaemon.js"
import { bundleIds, eventLog, readBundleJson } from "../helpers/hooks.js"
import { cliPath, type Repo } from "../helpers/repo.js"
import { type ClientRun, completedTurn, connectByHand, sessionStartContexts, useAgentWorld } from "./clients.js"
import type { AgentClient } from "./installedClients.js"

// The product end to end with the real Claude Code and Codex: their own hooks run handover while openusage says the
// quota is nearly spent, and the next real session, of the same tool or the other one, is told about the handover.

const firstPrompt = "Subtract the discount in total() and add a test for it"

const openusageServing = (...snapshots: ReadonlyArray<UsageSnapshot>) => ({ kind: "ok" as const, readModel: readModelOf(...snapshots) })

const pendingHandoverContexts = (turn: ClientRun) =>
  sessionStartContexts(turn).filter((context) => context.startsWith("A handover is pending"))

/** The one bundle on disk, checked to be an automatic capture by `tool` whose summary quotes the first prompt. */
const theAutomaticCapture = async (repo: Repo, tool: AgentClient): Promise<string> => {
  const ids = await bundleIds(repo.dir)
  expect(ids, `bundles on disk, with events.log: ${JSON.stringify(await eventLog(repo.dir))}`).toHaveLength(1)
  const id = ids[0]!
  const bundle = await readBundleJson(repo.dir, id)
  expect(bundle.trigger).toMatchObject({ kind: "threshold", tool, percent: 95 })
  expect(await readFile(join(repo.dir, ".handover", "bundles", id, "summary.md"), "utf8")).toContain(firstPrompt)
  return id
}

/** openusage's gemini_cli account with its aggregate daily quota this much used. */
const geminiSnapshot = (quotaUsed: number): UsageSnapshot => ({
  provider_id: "gemini_cli",
  account_id: "gemini-cli",
  timestamp: new Date().toISOString(),
  status: "OK",
  metrics: { quota: { used: quotaUsed, limit: 100, remaining: 100 - quotaUsed, unit: "%", window: "1d" } },
  resets: { quota_reset: new Date(Date.now() + 6 * 3_600_000).toISOString() },
  attributes: { telemetry_root: "limit_snapshot" }
})

// `--format gemini` and `--tool gemini` are being built elsewhere: until session-start accepts the format (it fails
// open, so exit 0 with a complaint on stderr means "not yet"), the Gemini case is skipped rather than failed.
const geminiFormat = spawnSync(process.execPath, [cliPath, "session-start", "--format", "gemini"], { cwd: tmpdir(), encoding: "utf8" })
const handoverSpeaksGemini = geminiFormat.status === 0 && geminiFormat.stderr === ""

describe.each([
  { client: "claude" as const, nearlySpent: claudeSnapshot({ fiveHour: 95 }), ready: true },
  { client: "codex" as const, nearlySpent: codexSnapshot({ primary: 95 }), ready: true },
  { client: "gemini" as const, nearlySpent: geminiSnapshot(95), ready: handoverSpeaksGemini }
])("$client through its real hooks", ({ client, nearlySpent, ready }) => {
  it.skipIf(!ready)("captures once when its quota is at 95%, and tells its next session that a handover is pending", async (context) => {
    const world = await useAgentWorld(context, openusageServing(nearlySpent))
    await connectByHand(world.repo, client)

    const first = await completedTurn(world, client, firstPrompt)
    expect(pendingHandoverContexts(first)).toEqual([])
    const id = await theAutomaticCapture(world.repo, client)

    const next = await completedTurn(world, client, "Go on")
    const [resumeContext, ...more] = pendingHandoverContexts(next)
    expect(more).toEqual([])
    expect(resumeContext).toContain(`(bundle ${id})`)
    expect(resumeContext).toContain(firstPrompt)
    // Still the same quota window: the next session's own hooks do not capture again.
    expect(await bundleIds(world.repo.dir)).toEqual([id])
  })
})

describe("across tools", () => {
  it("resumes in a real Codex session what Claude Code's real hooks captured, and pickup --target codex claims it", async (context) => {
    const world = await useAgentWorld(context, openusageServing(claudeSnapshot({ fiveHour: 95 }), codexSnapshot({ primary: 10 })))
    await connectByHand(world.repo, "claude")
    await connectByHand(world.repo, "codex")

    await completedTurn(world, "claude", firstPrompt)
    const id = await theAutomaticCapture(world.repo, "claude")

    const codexTurn = await completedTurn(world, "codex", "Take over the work in this repository")
    const [resumeContext] = pendingHandoverContexts(codexTurn)
    expect(resumeContext).toContain(`(bundle ${id})`)
    expect(await bundleIds(world.repo.dir)).toEqual([id])

    const pickup = await world.repo.cli(["pickup", "--target", "codex"])
    expect(pickup.code, pickup.stderr).toBe(0)
    expect(pickup.stdout).toContain("# Handover: claude at 95% of its 5h window")
    expect(pickup.stdout).toContain(firstPrompt)
    const claim = await readBundleJson(world.repo.dir, id)
    expect(claim.claim).toMatchObject({ by: "codex" })
    expect((await world.repo.cli(["pending"])).code).toBe(3)
  })
})
