import { beforeAll, describe, expect, it } from "@effect/vitest"
import { readFile, writeFile } from "node:fs/promises"
import { defaultConfig, type HandoverConfig } from "../../src/domain/Config.js"
import { storeGitignore } from "../../src/domain/StoreLayout.js"
import { assertCliBuilt, type Repo, snapshotTree, useRepo } from "../helpers/repo.js"
import { expectSuccess, storeDir } from "../helpers/store.js"

beforeAll(assertCliBuilt)

/** print-config must print one JSON document and nothing else on stdout. */
const printConfig = async (repo: Repo, args: ReadonlyArray<string> = [], env: Record<string, string> = {}, cwd?: string) => {
  const result = await repo.cli(["print-config", ...args], { env, ...(cwd !== undefined ? { cwd } : {}) })
  expectSuccess(result)
  expect(result.stderr).toBe("")
  return JSON.parse(result.stdout) as HandoverConfig
}

describe.concurrent("print-config", () => {
  it("prints the defaults, then config.json ← HANDOVER_* ← --set, each over the one before", async (context) => {
    const repo = await useRepo(context, { initial: { "src/a.txt": "a\n" } })
    expect(await printConfig(repo)).toEqual(defaultConfig)

    await repo.write(".handover/config.json", JSON.stringify({ bundles: { keep: 5 }, trigger: { thresholdPercent: 70 } }))
    const fromFile = await printConfig(repo)
    expect(fromFile.bundles).toEqual({ keep: 5, expireAfterHours: 72 })
    expect(fromFile.trigger.thresholdPercent).toBe(70)

    const env = { HANDOVER_BUNDLES_KEEP: "7", HANDOVER_CAPTURE_SECRETS: "off" }
    // From a subdirectory: the config is the one at the git top level.
    const fromEnv = await printConfig(repo, [], env, "src")
    expect(fromEnv.bundles.keep).toBe(7)
    expect(fromEnv.capture.secrets).toBe("off")
    expect(fromEnv.trigger.thresholdPercent).toBe(70)

    const fromFlags = await printConfig(repo, ["--set", "bundles.keep=9", "--set", "trigger.events=Stop"], env)
    expect(fromFlags.bundles.keep).toBe(9)
    expect(fromFlags.trigger.events).toEqual(["Stop"])
    expect(fromFlags.capture.secrets).toBe("off")
    expect(fromFlags.trigger.thresholdPercent).toBe(70)
  })

  it("takes --json like every read command (its output is JSON either way), and --defaults ignores the config", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write(".handover/config.json", JSON.stringify({ bundles: { keep: 5 } }))
    expect((await printConfig(repo, ["--json"])).bundles.keep).toBe(5)
    expect(await printConfig(repo, ["--json", "--set", "bundles.keep=6"])).toEqual(await printConfig(repo, ["--set", "bundles.keep=6"]))
    expect(await printConfig(repo, ["--defaults", "--json"], { HANDOVER_BUNDLES_KEEP: "7" })).toEqual(defaultConfig)
  })
})

describe.concurrent("init", () => {
  it("creates the store with the default config, is idempotent, and never overwrites an edited config", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const first = await repo.cli(["init"])
    expectSuccess(first)
    expect(first.stdout).toContain("Initialised")
    expect(JSON.parse(await readFile(storeDir(repo, "config.json"), "utf8"))).toEqual(defaultConfig)
    expect(await readFile(storeDir(repo, ".gitignore"), "utf8")).toBe(storeGitignore)
    // Only config.json and .gitignore show up for git: the rest of the store is ignored.
    const status = await repo.git("status", "--porcelain", "--untracked-files=all")
    expect(status.split("\n").filter(Boolean).sort()).toEqual(["?? .handover/.gitignore", "?? .handover/config.json"])

    const edited = "{\n  \"bundles\": { \"keep\": 4 }\n}\n"
    await writeFile(storeDir(repo, "config.json"), edited)
    const before = await snapshotTree(storeDir(repo))

    const second = await repo.cli(["init"])
    expectSuccess(second)
    expect(second.stdout).toContain("already initialised")
    expect(await readFile(storeDir(repo, "config.json"), "utf8")).toBe(edited)
    expect(await snapshotTree(storeDir(repo))).toEqual(before)
  })
})
