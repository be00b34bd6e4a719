import { readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { encodeBundleJson, makeBundleId } from "../../src/domain/Bundle.js"
import { makeBundle } from "../helpers/bundles.js"
import { claudeSnapshot, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { bundleIds, daemonEnv, disposeInitTemplate, hookPayload, readBundleJson, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt, type Repo } from "../helpers/repo.js"
import { capture, expectSuccess } from "../helpers/store.js"

// The bundle lifecycle through the built CLI: states derived from the store and the clock, shown by status and
// inspect, and the next steps a person wrote surviving the automatic capture that supersedes their handover.

const hour = 3_600_000

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

interface StatusBundle {
  readonly id: string
  readonly claimedBy: string | null
  readonly state: string
  readonly reason: string
}
interface StatusReport {
  readonly current: string | null
  readonly pending: { readonly id: string | null; readonly reason: string | null }
  readonly bundles: ReadonlyArray<StatusBundle>
}

const statusJson = async (repo: Repo, args: ReadonlyArray<string> = []): Promise<StatusReport> => {
  const result = await repo.cli(["status", "--json", ...args])
  expectSuccess(result)
  return JSON.parse(result.stdout) as StatusReport
}

describe("an automatic capture over a pending manual handover", () => {
  it("carries the manual next steps into bundle.json and summary.md, and supersedes the manual one", async () => {
    const repo = await repoForTest()
    const manual = await capture(repo, [
      "--title",
      "Cart discounts",
      "--next-step",
      "Write the discount tests",
      "--next-step",
      "Ask Dana about rounding"
    ])
    const daemon = await startFakeDaemon({ kind: "ok", readModel: readModelOf(claudeSnapshot({ fiveHour: 95 })) })
    onTestFinished(() => daemon.close())
    const event = await repo.cli(["on-event", "--tool", "claude"], {
      stdin: await hookPayload(repo, "claude", "Stop"),
      env: daemonEnv(daemon.socketPath)
    })
    expect(event.code).toBe(0)
    const ids = await bundleIds(repo.dir)
    expect(ids).toHaveLength(2)
    const autoId = ids.find((id) => id !== manual.id)!

    const auto = await readBundleJson(repo.dir, autoId)
    expect(auto.trigger.kind).toBe("threshold")
    expect(auto.carriedOver).toEqual({
      from: manual.id,
      title: "Cart discounts",
      nextSteps: ["Write the discount tests", "Ask Dana about rounding"]
    })
    // The automatic capture's own steps first (from the transcript), then the person's, each once.
    expect(auto.nextSteps[0]).toMatch(/^Continue the last request: /)
    expect(auto.nextSteps.slice(-2)).toEqual(["Write the discount tests", "Ask Dana about rounding"])

    const summary = await readFile(join(repo.dir, ".handover", "bundles", autoId, "summary.md"), "utf8")
    const ownSteps = auto.nextSteps.length - 2
    expect(summary).toContain(
      `Next steps carried over from the manual handover ${manual.id} “Cart discounts”:\n\n` +
        `${ownSteps + 1}. Write the discount tests\n${ownSteps + 2}. Ask Dana about rounding\n`
    )

    const status = await statusJson(repo)
    expect(status.pending.id).toBe(autoId)
    expect(status.bundles.map(({ id, state }) => [id, state])).toEqual([[autoId, "pending"], [manual.id, "superseded"]])
    expect(status.bundles[1]!.reason).toBe(`superseded by ${autoId}, captured ${auto.createdAt}`)

    // What the next agent is handed carries the steps too.
    const pending = await repo.cli(["pending", "--json"])
    expectSuccess(pending)
    expect((JSON.parse(pending.stdout) as { bundle: { nextSteps: Array<string> } }).bundle.nextSteps)
      .toContain("Ask Dana about rounding")
  })
})

describe("status and inspect", () => {
  it("show every bundle's state and why: expired, superseded, claimed and pending", async () => {
    const repo = await repoForTest()
    // A handover left 80 hours ago (written as a capture would have written it then): expired under the default 72 h.
    const createdAt = new Date(Date.now() - 80 * hour).toISOString()
    const old = makeBundle({ createdAt, id: makeBundleId(createdAt, "01d0"), title: "Old work" })
    await repo.write(`.handover/bundles/${old.id}/bundle.json`, encodeBundleJson(old), 0o600)

    const alone = await statusJson(repo)
    expect(alone.bundles).toEqual([expect.objectContaining({ id: old.id, state: "expired" })])
    expect(alone.bundles[0]!.reason).toMatch(/^captured 80 h( \d+ min)? ago, past bundles\.expireAfterHours \(72 h\)$/)
    expect(alone.pending.id).toBeNull()
    expect(alone.pending.reason).toContain(`the newest bundle ${old.id} has expired: captured 80 h`)
    // A longer expiry for this run offers it again: the state follows the config, nothing was written.
    const longer = await statusJson(repo, ["--set", "bundles.expireAfterHours=100"])
    expect(longer.bundles[0]!.state).toBe("pending")
    expect(longer.pending.id).toBe(old.id)

    const first = await capture(repo, ["--title", "First"])
    await repo.write("src/cart.ts", "export const total = 3\n")
    const second = await capture(repo, ["--title", "Second"])
    expectSuccess(await repo.cli(["pickup", "--target", "codex"]))
    await repo.write("src/cart.ts", "export const total = 4\n")
    const third = await capture(repo, ["--title", "Third"])

    const report = await statusJson(repo)
    expect(report.current).toBe(third.id)
    expect(report.pending.id).toBe(third.id)
    expect(report.bundles.map(({ claimedBy, id, state }) => ({ id, state, claimedBy }))).toEqual([
      { id: third.id, state: "pending", claimedBy: null },
      { id: second.id, state: "claimed", claimedBy: "codex" },
      { id: first.id, state: "superseded", claimedBy: null },
      { id: old.id, state: "superseded", claimedBy: null }
    ])
    const [pendingEntry, claimedEntry, supersededEntry, oldEntry] = report.bundles
    expect(pendingEntry!.reason).toMatch(/^the newest capture, unclaimed, captured (less than 1|\d+) min ago; expires after 72 h$/)
    expect(claimedEntry!.reason).toMatch(/^claimed by codex at \d{4}-\d\d-\d\dT/)
    expect(supersededEntry!.reason).toBe(`superseded by ${second.id}, captured ${second.createdAt}`)
    expect(oldEntry!.reason).toBe(`superseded by ${first.id}, captured ${first.createdAt}`)

    const human = await repo.cli(["status"])
    expectSuccess(human)
    expect(human.stdout).toContain(`  ${third.id}  pending     Third\n      the newest capture, unclaimed`)
    expect(human.stdout).toContain(`  ${first.id}  superseded  First\n      superseded by ${second.id}`)
    expect(human.stdout).toContain(`  ${old.id}  superseded  Old work\n`)

    const inspected = await repo.cli(["inspect", first.id])
    expectSuccess(inspected)
    expect(inspected.stdout).toContain(`State: superseded (superseded by ${second.id}, captured ${second.createdAt})`)
    const inspectedJson = await repo.cli(["inspect", second.id, "--json"])
    expectSuccess(inspectedJson)
    expect(JSON.parse(inspectedJson.stdout)).toMatchObject({ id: second.id, state: "claimed", reason: expect.stringMatching(/^claimed by codex/) })
  })
})

describe("a bundle dated in the future", () => {
  it("is read as corrupt, never offered: pending and pickup refuse, naming the bundle to delete, and captures leave it", async () => {
    const repo = await repoForTest()
    // As a cloned repository could carry it: were it the newest, every real capture would be superseded for ever.
    const createdAt = "2999-01-01T00:00:00.000Z"
    const future = makeBundle({ createdAt, id: makeBundleId(createdAt, "f00d"), title: "From the future" })
    await repo.write(`.handover/bundles/${future.id}/bundle.json`, encodeBundleJson(future), 0o600)
    const real = await capture(repo, ["--title", "Real work"])

    const pending = await repo.cli(["pending"])
    expect(pending.code).toBe(1)
    expect(pending.stderr).toContain(
      `bundles/${future.id}/bundle.json is corrupt (it says it was captured at ${createdAt}, in the future); delete that bundle directory`
    )
    const status = JSON.parse((await repo.cli(["status", "--json"])).stdout) as StatusReport & { corrupt: ReadonlyArray<string> }
    // Like any unreadable bundle newer than the rest, it stops pending and pickup from guessing past it.
    expect(status.bundles).toEqual([
      expect.objectContaining({ id: real.id, state: "superseded", reason: `superseded by ${future.id}, whose bundle.json cannot be read` })
    ])
    expect(status.corrupt).toEqual([expect.stringContaining(`${future.id}/bundle.json is corrupt`)])
    // A later capture neither prunes it (corrupt bundles are never touched) nor is superseded by it.
    const next = await capture(repo, ["--title", "More work", "--set", "bundles.keep=1"])
    expect([...(await bundleIds(repo.dir))].sort()).toEqual([future.id, next.id].sort())
    expect((await repo.cli(["pickup"])).code).toBe(1)
    // Once it is deleted, as the line says, the real work is offered again.
    await rm(join(repo.dir, ".handover", "bundles", future.id), { recursive: true })
    const offered = await repo.cli(["pending", "--json"])
    expect(offered.code, offered.stderr).toBe(0)
    expect(JSON.parse(offered.stdout).bundle.id).toBe(next.id)
  })
})

