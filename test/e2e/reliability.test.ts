import { beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { hostname } from "node:os"
import { assertCliBuilt, deadPid, snapshotTree, useRepo } from "../helpers/repo.js"
import { bundleEntries, capture, expectCleanFailure, expectSuccess, readBundleJson, storeDir } from "../helpers/store.js"

beforeAll(assertCliBuilt)

// A made-up AWS access key id: AKIA and 16 upper-case letters or digits.
const awsKey = "AKIA" + "ZQ3DXJ7RW2MP5KTB"

describe.concurrent("secret scan", () => {
  it("warn (default): the capture succeeds, stderr warns, bundle.json records the finding", async (context) => {
    const repo = await useRepo(context, { initial: { "README.md": "# project\n" } })
    await repo.write("deploy/settings.ts", `export const region = "eu-west-1"\nexport const keyId = "${awsKey}"\n`)
    const result = await repo.cli(["capture", "--title", "Deploy script", "--json"])
    expectSuccess(result)
    expect(result.stderr).toContain("warning: possible AWS access key in deploy/settings.ts:2")
    const bundle = JSON.parse(result.stdout) as { id: string }
    expect((await readBundleJson(repo, bundle.id)).secrets).toEqual({
      mode: "warn",
      findings: [{ path: "deploy/settings.ts", line: 2, kind: "AWS access key" }]
    })
    expect(await readFile(storeDir(repo, "current", "summary.md"), "utf8")).toContain("## Possible secrets")
  })

  it("block: exit 1 with one line, and no new bundle; current/ still points at the previous one", async (context) => {
    const repo = await useRepo(context, { initial: { "README.md": "# project\n" } })
    await repo.write("notes.txt", "harmless\n")
    const previous = await capture(repo)
    await repo.write(".env", `AWS_ACCESS_KEY_ID=${awsKey}\n`)
    const before = await snapshotTree(repo.dir)

    const result = await repo.cli(["capture", "--title", "Leaky", "--set", "capture.secrets=block"])
    const line = expectCleanFailure(result, 1)
    expect(line).toContain("capture refused")
    expect(line).toContain(".env")

    expect(await bundleEntries(repo)).toEqual([previous.id])
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })
})

describe.concurrent("a capture killed halfway", () => {
  it("leaves nothing that reads as a bundle, and the next capture recovers the lock and cleans up", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work in progress\n")
    // What SIGKILL in the middle of a capture leaves: a staging directory with part of a bundle, and the lock of a
    // process that is gone.
    const staging = storeDir(repo, "bundles", ".staging-20261125T164500Z-7f3a")
    await mkdir(staging, { recursive: true })
    await writeFile(storeDir(repo, "bundles", ".staging-20261125T164500Z-7f3a", "workspace.patch"), "diff --git a/a.txt b/a.txt\n--- a/a.txt\n")
    await writeFile(storeDir(repo, "bundles", ".staging-20261125T164500Z-7f3a", "summary.md"), "# Handover: half\n")
    await mkdir(storeDir(repo, "state"), { recursive: true })
    const pid = await deadPid()
    await writeFile(
      storeDir(repo, "state", "lock"),
      JSON.stringify({ pid, host: hostname(), purpose: "capture", at: "2026-11-25T16:45:00.000Z" })
    )

    const pending = await repo.cli(["pending", "--json"])
    expect(pending.code).toBe(3)
    expect(JSON.parse(pending.stdout)).toEqual({ pending: false })

    const bundle = await capture(repo, ["--title", "After the crash"])
    expect(await bundleEntries(repo)).toEqual([bundle.id])
    expect(await snapshotTree(storeDir(repo, "state"))).not.toHaveProperty("lock")
    const resumed = await repo.cli(["pending", "--json"])
    expectSuccess(resumed)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ pending: true, bundle: { id: bundle.id, title: "After the crash" } })
  })
})

describe.concurrent("bundles.keep", () => {
  it("bounds how many bundles stay on disk, keeping the newest", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const ids: Array<string> = []
    for (const n of [1, 2, 3, 4]) {
      await repo.write("a.txt", `change ${n}\n`)
      ids.push((await capture(repo, ["--title", `Capture ${n}`, "--set", "bundles.keep=2"])).id)
    }
    expect(new Set(ids).size).toBe(4)
    expect(await bundleEntries(repo)).toEqual([...ids.slice(2)].sort())
    expect(JSON.parse(await readFile(storeDir(repo, "current", "bundle.json"), "utf8"))).toMatchObject({ id: ids[3] })
  })
})
