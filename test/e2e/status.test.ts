import { beforeAll, describe, expect, it } from "@effect/vitest"
import { assertCliBuilt, useRepo } from "../helpers/repo.js"
import { capture, expectSuccess } from "../helpers/store.js"

// status without --probe: what a user reads to see where the store stands, in text and as JSON.

beforeAll(assertCliBuilt)

interface StatusReport {
  readonly initialised: boolean
  readonly configSources: ReadonlyArray<string>
  readonly current: string | null
  readonly pending: { readonly id: string | null; readonly reason: string | null }
  readonly bundles: ReadonlyArray<{
    readonly id: string
    readonly claimedBy: string | null
    readonly state: string
    readonly reason: string
  }>
  readonly trigger: { readonly tools: Record<string, unknown> }
}

const statusJson = async (repo: Parameters<typeof capture>[0]): Promise<StatusReport> => {
  const result = await repo.cli(["status", "--json"])
  expectSuccess(result)
  return JSON.parse(result.stdout) as StatusReport
}

describe.concurrent("status", () => {
  it("follows the store from nothing, through a capture, to a pickup", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })

    const empty = await statusJson(repo)
    expect(empty).toMatchObject({ initialised: false, current: null, bundles: [], configSources: ["defaults"] })
    expect(empty.pending).toEqual({ id: null, title: null, reason: "no bundles captured yet" })

    expectSuccess(await repo.cli(["init"]))
    await repo.write("a.txt", "changed\n")
    const bundle = await capture(repo, ["--title", "Status check"])
    const captured = await statusJson(repo)
    expect(captured.initialised).toBe(true)
    expect(captured.configSources).toEqual(["defaults", `${repo.dir}/.handover/config.json`])
    expect(captured.current).toBe(bundle.id)
    expect(captured.pending.id).toBe(bundle.id)
    expect(captured.bundles).toEqual([expect.objectContaining({ id: bundle.id, claimedBy: null, state: "pending" })])
    expect(captured.trigger.tools).toEqual({})

    expectSuccess(await repo.cli(["pickup", "--target", "codex"]))
    const picked = await statusJson(repo)
    expect(picked.pending.id).toBeNull()
    expect(picked.pending.reason).toContain("claimed by codex")
    expect(picked.bundles).toEqual([
      expect.objectContaining({ id: bundle.id, claimedBy: "codex", state: "claimed", reason: expect.stringMatching(/^claimed by codex at /) })
    ])

    const human = await repo.cli(["status"], { env: { HANDOVER_TRIGGER_THRESHOLD_PERCENT: "80" } })
    expectSuccess(human)
    const text = human.stdout
    expect(text).toContain(`Current: ${bundle.id}`)
    expect(text).toContain("Pending: none (")
    expect(text).toContain(`${bundle.id}  claimed     Status check\n      claimed by codex at `)
    expect(text).toContain("Config: defaults ← ")
    expect(text).toContain("← environment (HANDOVER_*)")
  })
})
