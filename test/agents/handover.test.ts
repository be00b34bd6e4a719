import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { UsageSnapshot } from "../../src/domain/OpenUsage.js"
import { claudeSnapshot, codexSnapshot, readModelOf } from "../helpers/fakeDaemon.js"
import { bundleIds, readBundleJson } from "../helpers/hooks.js"
import type { Repo } from "../helpers/repo.js"
import { type AgentWorld, type ClientRun, connectByHand, expectCompletedTurn, sessionStartContexts, useAgentWorld } from "./clients.js"

// The product end to end with the real Claude Code and Codex: their own hooks run handover while openusage says the
// quota is nearly spent, and the next real session, of the same tool or the other one, is told about the handover.

const firstPrompt = "Subtract the discount in total() and add a test for it"

const openusageServing = (...snapshots: ReadonlyArray<UsageSnapshot>) => ({ kind: "ok" as const, readModel: readModelOf(...snapshots) })

const completedTurn = async (world: AgentWorld, client: "claude" | "codex", prompt: string): Promise<ClientRun> => {
  const turn = await world.runTurn(client, prompt)
  expectCompletedTurn(turn)
  return turn
}

const pendingHandoverContexts = (turn: ClientRun) =>
  sessionStartContexts(turn).filter((context) => context.startsWith("A handover is pending"))

/** The one bundle on disk, checked to be an automatic capture by `tool` whose summary quotes the first prompt. */
const theAutomaticCapture = async (repo: Repo, tool: "claude" | "codex"): Promise<string> => {
  const ids = await bundleIds(repo.dir)
  expect(ids).toHaveLength(1)
  const id = ids[0]!
  const bundle = await readBundleJson(repo.dir, id)
  expect(bundle.trigger).toMatchObject({ kind: "threshold", tool, percent: 95 })
  expect(await readFile(join(repo.dir, ".handover", "bundles", id, "summary.md"), "utf8")).toContain(firstPrompt)
  return id
}

describe.each([
  { client: "claude" as const, nearlySpent: claudeSnapshot({ fiveHour: 95 }) },
  { client: "codex" as const, nearlySpent: codexSnapshot({ primary: 95 }) }
])("$client through its real hooks", ({ client, nearlySpent }) => {
  it("captures once when its quota is at 95%, and tells its next session that a handover is pending", async (context) => {
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
