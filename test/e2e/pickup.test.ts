import { beforeAll, describe, expect, it } from "@effect/vitest"
import { access, readFile } from "node:fs/promises"
import { assertCliBuilt, useRepo } from "../helpers/repo.js"
import { bundleEntries, capture, expectCleanFailure, expectSuccess, readBundleJson, storeDir } from "../helpers/store.js"

beforeAll(assertCliBuilt)

const hasClaim = (path: string) => access(path).then(() => true, () => false)

describe.concurrent("pickup", () => {
  it("of 6 racing pickups exactly one claims the handover; the others fail with one clear line", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "changed\n")
    const bundle = await capture(repo, ["--title", "Race me"])

    const tools = ["claude", "codex", "gemini", "cursor", "copilot", "windsurf"]
    const results = await Promise.all(tools.map((tool) => repo.cli(["pickup", "--target", tool])))

    const winners = results.filter((result) => result.code === 0)
    expect(winners, results.map((r) => `${r.code}: ${r.stderr}`).join("\n")).toHaveLength(1)
    expect(winners[0]!.stdout).toContain("# Handover: Race me")
    expect(winners[0]!.stdout).toContain("## How to resume")
    const winner = tools[results.indexOf(winners[0]!)]!

    for (const loser of results.filter((result) => result.code !== 0)) {
      expect([1, 3]).toContain(loser.code)
      const line = expectCleanFailure(loser, loser.code)
      expect(line).toMatch(/claimed|pending/)
    }

    const claimFiles = await Promise.all(
      (await bundleEntries(repo)).map((id) => hasClaim(storeDir(repo, "bundles", id, "claim.json")))
    )
    expect(claimFiles.filter(Boolean)).toHaveLength(1)
    const claim = JSON.parse(await readFile(storeDir(repo, "bundles", bundle.id, "claim.json"), "utf8")) as { by: string }
    expect(claim.by).toBe(winner)
    expect((await readBundleJson(repo, bundle.id)).claim).toMatchObject({ by: winner })
    // current/ now says who claimed it.
    expect(await readFile(storeDir(repo, "current", "summary.md"), "utf8")).toContain(`Claimed by ${winner}`)
  })

  it("nothing to pick up → exit 3 with one line; a specific id that is already claimed → exit 1", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expect(expectCleanFailure(await repo.cli(["pickup"]), 3)).toContain("no handover is pending")

    const bundle = await capture(repo)
    expectSuccess(await repo.cli(["pickup", bundle.id, "--target", "codex"]))
    const again = expectCleanFailure(await repo.cli(["pickup", bundle.id]), 1)
    expect(again).toContain(`${bundle.id} was already claimed by codex`)
  })
})

describe.concurrent("pending", () => {
  it("exit 0 while a handover waits, --json parses; pending --claim takes it, then exit 3", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const none = await repo.cli(["pending", "--json"])
    expect(none.code).toBe(3)
    expect(JSON.parse(none.stdout)).toEqual({ pending: false })

    const bundle = await capture(repo, ["--target", "codex"])
    const human = await repo.cli(["pending"])
    expectSuccess(human)
    expect(human.stdout).toContain(bundle.id)
    expect(human.stdout).toContain("resume with: handover pickup")

    const claimed = await repo.cli(["pending", "--claim", "--target", "codex", "--json"])
    expectSuccess(claimed)
    expect(JSON.parse(claimed.stdout)).toMatchObject({
      pending: true,
      claimed: true,
      bundle: { id: bundle.id, claim: { by: "codex" } }
    })

    const after = await repo.cli(["pending"])
    expect(expectCleanFailure(after, 3)).toContain("claimed by codex")
  })
})
