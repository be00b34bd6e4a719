import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { UsageSnapshot } from "../../src/domain/OpenUsage.js"
import { claudeSnapshot, codexSnapshot, copilotSnapshot, geminiSnapshot, readModelOf } from "../helpers/fakeDaemon.js"
import { bundleIds, eventLog, readBundleJson } from "../helpers/hooks.js"
import { type Repo, snapshotTree } from "../helpers/repo.js"
import {
  adapterExists,
  type ClientRun,
  completedTurn,
  connect,
  expectCompletedTurn,
  sessionStartContexts,
  useAgentWorld
} from "./clients.js"
import type { AgentClient } from "./installedClients.js"

// The product end to end with the real clients, connected by `handover enable`: their own hooks run handover while
// openusage says the quota is nearly spent, and the next real session, of the same tool or another one, is told about
// the handover. A client whose adapter the built handover does not have yet is skipped.

const firstPrompt = "Subtract the discount in total() and add a test for it"

const openusageServing = (...snapshots: ReadonlyArray<UsageSnapshot>) => ({ kind: "ok" as const, readModel: readModelOf(...snapshots) })

/** The resume contexts the turn's model requests carried; Gemini CLI sends the same one with each request of a turn. */
const pendingHandoverContexts = (turn: ClientRun) => [
  ...new Set(sessionStartContexts(turn).filter((context) => context.startsWith("A handover is pending")))
]

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



/** What openusage reports for each client whose quota it knows, this much used. */
const quotaAt: Record<"claude" | "codex" | "gemini" | "copilot", (percent: number) => UsageSnapshot> = {
  claude: (percent) => claudeSnapshot({ fiveHour: percent }),
  codex: (percent) => codexSnapshot({ primary: percent }),
  gemini: (percent) => geminiSnapshot({ quota: percent }),
  copilot: (percent) => copilotSnapshot({ premiumUsed: percent * 3 })
}
/** The tools that capture automatically in the matrix below; every client is a target. */
const sources = ["claude", "codex", "gemini"] as const
const targets = ["claude", "codex", "gemini", "qwen", "copilot", "opencode"] as const
const automaticSources = [...sources, "copilot"] as const

describe.each(automaticSources.map((client) => ({ client })))("$client through the hooks handover enable writes", ({ client }) => {
  it.skipIf(!adapterExists(client))("captures once when its quota is at 95%, and tells its next session that a handover is pending", async (context) => {
    const world = await useAgentWorld(context, openusageServing(quotaAt[client](95)))
    await connect(world.repo, client)

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

// Every source tool's capture resumed by every other target tool (the same tool's next session is the test above).
describe.each(sources.map((source) => ({ source })))("a capture through $source's real hooks", ({ source }) => {
  const others = targets.filter((target) => target !== source && adapterExists(target))
  it(`reaches the next real session of ${others.join(", ")}, which capture nothing of their own`, async (context) => {
    const world = await useAgentWorld(
      context,
      openusageServing(...sources.map((client) => quotaAt[client](client === source ? 95 : 10)))
    )
    for (const client of others) await world.prepare(client)
    for (const client of [source, ...others]) await connect(world.repo, client)
    await completedTurn(world, source, firstPrompt)
    const id = await theAutomaticCapture(world.repo, source)
    for (const target of others) {
      const [resumeContext] = pendingHandoverContexts(await completedTurn(world, target, "Take over the work here"))
      expect(resumeContext, `${source} → ${target}`).toContain(`(bundle ${id})`)
      expect(resumeContext, `${source} → ${target}`).toContain(firstPrompt)
    }
    expect(await bundleIds(world.repo.dir)).toEqual([id])
  })
})

describe.each(["qwen", "copilot", "opencode"] as const)("%s through what handover enable writes", (client) => {
  it.skipIf(!adapterExists(client))("tells its next session about a handover captured elsewhere; disable --purge leaves no trace", async (context) => {
    const world = await useAgentWorld(context, openusageServing())
    await world.prepare(client)
    const before = await snapshotTree(world.repo.dir, [".git"])
    await connect(world.repo, client)

    const title = "Subtract the discount in total()"
    const captured = await world.repo.cli(["capture", "--title", title, "--next-step", "Add a test for total()", "--json"])
    expect(captured.code, captured.stderr).toBe(0)
    const [id] = await bundleIds(world.repo.dir)

    const turn = await completedTurn(world, client, "Take over the work in this repository")
    const [resumeContext, ...more] = pendingHandoverContexts(turn)
    expect(more).toEqual([])
    expect(resumeContext).toContain(`(bundle ${id})`)
    expect(resumeContext).toContain(title)

    const disabled = await world.repo.cli(["disable", "--purge"])
    expect(disabled.code, disabled.stderr).toBe(0)
    expect(await snapshotTree(world.repo.dir, [".git"])).toEqual(before)
  })
})

describe("across tools", () => {
  it("resumes in real Codex and Gemini sessions what Claude Code's real hooks captured; disable --purge leaves no trace", async (context) => {
    const world = await useAgentWorld(
      context,
      openusageServing(claudeSnapshot({ fiveHour: 95 }), codexSnapshot({ primary: 10 }), geminiSnapshot({ quota: 10 }))
    )
    const before = await snapshotTree(world.repo.dir, [".git"])
    for (const client of ["claude", "codex", "gemini"] as const) await connect(world.repo, client)

    await completedTurn(world, "claude", firstPrompt)
    const id = await theAutomaticCapture(world.repo, "claude")

    for (const client of ["codex", "gemini"] as const) {
      const turn = await completedTurn(world, client, "Take over the work in this repository")
      const [resumeContext] = pendingHandoverContexts(turn)
      expect(resumeContext, client).toContain(`(bundle ${id})`)
      expect(resumeContext, client).toContain(firstPrompt)
    }
    expect(await bundleIds(world.repo.dir)).toEqual([id])

    const pickup = await world.repo.cli(["pickup", "--target", "codex"])
    expect(pickup.code, pickup.stderr).toBe(0)
    expect(pickup.stdout).toContain("# Handover: claude at 95% of its 5h window")
    expect(pickup.stdout).toContain(firstPrompt)
    const claim = await readBundleJson(world.repo.dir, id)
    expect(claim.claim).toMatchObject({ by: "codex" })
    expect((await world.repo.cli(["pending"])).code).toBe(3)

    const disabled = await world.repo.cli(["disable", "--purge"])
    expect(disabled.code, disabled.stderr).toBe(0)
    expect(await snapshotTree(world.repo.dir, [".git"])).toEqual(before)
  })
})

// `handover run --claim --prompt -- <client>` with the real clients whose initial prompt (a positional argument, as the
// adapter data says) also works headless: the client is started by handover, and its model request carries the prompt.
const promptedHeadless = [
  { client: "claude" as const, clientArgs: ["--output-format", "json", "-p"] },
  { client: "codex" as const, clientArgs: ["exec", "--dangerously-bypass-hook-trust"] }
]

describe.each(promptedHeadless)("handover run --claim --prompt -- $client", ({ client, clientArgs }) => {
  it.skipIf(!adapterExists(client))("claims the handover for it, and its first model request carries the resume prompt", async (context) => {
    const world = await useAgentWorld(context, openusageServing())
    await connect(world.repo, client)
    const captured = await world.repo.cli([
      "capture", "--title", "Discounts in total()", "--summary", "total() takes a discount now", "--next-step", "Add the cart test"
    ])
    expect(captured.code, captured.stderr).toBe(0)
    const [id] = await bundleIds(world.repo.dir)

    const turn = await world.runThroughHandover(client, ["--claim", "--prompt", "--target", client], clientArgs)
    expectCompletedTurn(turn)
    expect(turn.result.stderr).toContain(`handover: bundle ${id} "Discounts in total()", claimed by ${client}`)
    const claim = JSON.parse(await readFile(join(world.repo.dir, ".handover", "bundles", id!, "claim.json"), "utf8"))
    expect(claim.by).toBe(client)
    const requests = JSON.stringify(turn.modelRequests.map(({ json }) => json))
    expect(requests).toContain(`A handover was taken over in this repository`)
    expect(requests).toContain(`(bundle ${id}), claimed by ${client}`)
    expect(requests).toContain("Add the cart test")
  })
})

