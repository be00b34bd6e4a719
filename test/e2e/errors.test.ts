import { beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { defaultConfig } from "../../src/domain/Config.js"
import { assertCliBuilt, runCli, snapshotTree, useRepo, useScratch } from "../helpers/repo.js"
import { capture, expectCleanFailure, expectSuccess, expectUsageError, storeDir } from "../helpers/store.js"

// Bad input gets the documented exit code and one clear line on stderr, and changes nothing on disk: every test
// snapshots the whole directory (the repository with .git and .handover) before and after.

beforeAll(assertCliBuilt)

describe.concurrent("bad input", () => {
  it("a directory outside any git repository: exit 1", async (context) => {
    const scratch = await useScratch(context)
    const plain = join(scratch.base, "plain")
    await mkdir(plain)
    await writeFile(join(plain, "notes.txt"), "not a repository\n")
    // Stop git from finding a repository above the scratch directory, wherever the tests run.
    const env = { ...scratch.env, GIT_CEILING_DIRECTORIES: dirname(scratch.base) }
    const before = await snapshotTree(plain)
    const commands = [["capture", "--title", "x"], ["pending"]]
    const results = await Promise.all(commands.map((args) => runCli(args, { cwd: plain, env })))
    for (const result of results) {
      expect(expectCleanFailure(result, 1)).toContain("is not inside a git repository")
    }
    expect(await snapshotTree(plain)).toEqual(before)
  })

  it.for([
    { name: "not JSON", text: "{ \"bundles\": ", field: "not valid JSON" },
    { name: "thresholdPercent 150", text: "{ \"trigger\": { \"thresholdPercent\": 150 } }", field: "trigger.thresholdPercent" }
  ])("a config.json with $name: exit 1 naming the file and the field", async ({ text, field }, context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "uncommitted work\n")
    await repo.write(".handover/config.json", text)
    const before = await snapshotTree(repo.dir)
    const results = await Promise.all([["capture", "--title", "x"], ["print-config"]].map((args) => repo.cli(args)))
    for (const result of results) {
      const line = expectCleanFailure(result, 1)
      expect(line).toContain(storeDir(repo, "config.json"))
      expect(line).toContain(field)
    }
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it.for([
    { text: "{ \"toString\": 1 }", field: "toString" },
    { text: "{ \"__proto__\": {} }", field: "__proto__" },
    { text: "{ \"trigger\": { \"constructor\": 1 } }", field: "trigger.constructor" },
    { text: "{ \"bundles\": { \"hasOwnProperty\": 3 } }", field: "bundles.hasOwnProperty" }
  ])("config.json key $field, named like an Object.prototype member: an unknown key", async ({ text, field }, context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write(".handover/config.json", text)
    const before = await snapshotTree(repo.dir)
    const line = expectCleanFailure(await repo.cli(["print-config"]), 1)
    expect(line).toContain(`config.json: ${field}: unknown key`)
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it("every config error points to print-config --defaults, which works with the config broken", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write(".handover/config.json", "{ \"bundles\": ")
    const line = expectCleanFailure(await repo.cli(["status"]), 1)
    expect(line).toContain("run handover print-config --defaults to see the defaults")
    const defaults = await repo.cli(["print-config", "--defaults"], { env: { HANDOVER_BUNDLES_KEEP: "many" } })
    expectSuccess(defaults)
    expect(defaults.stderr).toBe("")
    expect(JSON.parse(defaults.stdout)).toEqual(defaultConfig)
    // --defaults reads no config, so a --set beside it would be ignored: refused instead.
    expect(expectCleanFailure(await repo.cli(["print-config", "--defaults", "--set", "bundles.keep=3"]), 1))
      .toContain("--defaults and --set")
  })

  it("a patch over capture.maxPatchBytes: exit 1 saying it exceeds the limit, no bundle", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expectSuccess(await repo.cli(["init"]))
    await repo.write("a.txt", "a larger change\n".repeat(2000))
    // git's object store may gain the empty blob (intent-to-add writes it): not a change anyone sees.
    const before = await snapshotTree(repo.dir, ["objects"])
    const line = expectCleanFailure(await repo.cli(["capture", "--title", "x", "--set", "capture.maxPatchBytes=100"]), 1)
    expect(line).toContain("the workspace patch exceeds capture.maxPatchBytes (100 bytes)")
    // Capture stops at the limit and never learns the patch's size: it must not quote a size as the patch's.
    expect(line).not.toMatch(/patch is \d+ bytes/)
    expect(await snapshotTree(repo.dir, ["objects"])).toEqual(before)
  })

  it("an unknown key in config.json, a bad HANDOVER_* variable or --set value: exit 1 naming the source", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const [fromEnv, fromFlag] = await Promise.all([
      repo.cli(["print-config", "--set", "bundles.keep=0"], { env: { HANDOVER_CAPTURE_SECRETS: "sometimes" } }),
      repo.cli(["print-config", "--set", "bundles.keep=0"])
    ])
    expect(expectCleanFailure(fromEnv, 1)).toMatch(/environment.*capture\.secrets/)
    expect(expectCleanFailure(fromFlag, 1)).toMatch(/--set.*bundles\.keep/)
    await repo.write(".handover/config.json", "{ \"bundles\": { \"kept\": 2 } }")
    const fromFile = await repo.cli(["print-config"])
    expect(expectCleanFailure(fromFile, 1)).toMatch(/config\.json: bundles\.kept: unknown key/)
  })

  it("a corrupt bundle.json: inspect it → exit 1; pickup and pending, with it the newest → exit 1", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const newest = await capture(repo, ["--title", "Newest"])
    const bundleJson = storeDir(repo, "bundles", newest.id, "bundle.json")
    await writeFile(bundleJson, "{ \"schemaVersion\": 1, \"id\": ")
    const before = await snapshotTree(repo.dir)

    const [inspect, pickup, pending] = await Promise.all([
      repo.cli(["inspect", newest.id]),
      repo.cli(["pickup"]),
      repo.cli(["pending"])
    ])
    for (const result of [inspect, pickup, pending]) {
      const line = expectCleanFailure(result, 1)
      expect(line).toContain(bundleJson)
      expect(line).toContain("corrupt")
    }
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it("bundle ids with path parts are refused before they touch the disk; an unknown id is exit 1", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await capture(repo)
    const before = await snapshotTree(repo.dir)
    const bad = [
      ["inspect", "../x"],
      ["pickup", "../x"],
      ["inspect", "--patch", "../../.git/config"]
    ]
    for (const result of await Promise.all(bad.map((args) => repo.cli(args)))) {
      expect(expectCleanFailure(result, 1)).toContain("invalid bundle id")
    }
    const unknown = await repo.cli(["pickup", "20200101T000000Z-dead"])
    expect(expectCleanFailure(unknown, 1)).toContain("no bundle 20200101T000000Z-dead")
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it("usage errors: unknown command, unknown or misspelt flag → exit 2", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const before = await snapshotTree(repo.dir)
    const usages = [["frobnicate"], ["pending", "--bogus"], ["capture", "--titel", "x"]]
    const results = await Promise.all(usages.map((args) => repo.cli(args)))
    expect(results.map((result) => expectUsageError(result)[0])).toEqual([
      "handover: unknown command 'frobnicate'; see handover help",
      "handover: unknown flag '--bogus' for pending; see handover pending --help",
      "handover: unknown flag '--titel' for capture; did you mean '--title'?"
    ])
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it.for([
    { args: ["capture", "--title"], flag: "--title" },
    { args: ["capture", "--title", "T", "--summary"], flag: "--summary" },
    { args: ["capture", "--title", "T", "--next-step", "Run the tests", "--next-step"], flag: "--next-step" },
    { args: ["capture", "--title", "--summary", "S"], flag: "--title" },
    { args: ["pickup", "--target"], flag: "--target" },
    { args: ["pending", "--claim", "--target"], flag: "--target" },
    { args: ["status", "--set"], flag: "--set" }
  ])("a flag without its value ($args): exit 2 naming the flag, nothing done", async ({ args, flag }, context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    // A pending bundle, so that a pickup or a claim would change something.
    await capture(repo, ["--title", "Waiting"])
    const before = await snapshotTree(repo.dir)
    const result = await repo.cli(args)
    const [problem, usage] = expectUsageError(result)
    expect(problem).toBe(`handover: ${args[0]} ${flag} needs a value (${flag === "--set" ? "KEY=VALUE" : flag === "--target" ? "TOOL" : "TEXT"})`)
    expect(usage).toMatch(new RegExp(`^usage: handover ${args[0]} `))
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })

  it("a hook's flag without its value: exit 0 all the same, nothing on stdout, the reason on stderr", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    const result = await repo.cli(["session-start", "--format"])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(
      "session-start --format needs a value (plain|claude|codex|gemini|qwen|copilot|cursor)"
    )
  })

  it("capture with an empty --title: exit 1, no bundle", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const before = await snapshotTree(repo.dir)
    const result = await repo.cli(["capture", "--title", "  "])
    expect(expectCleanFailure(result, 1)).toContain("--title: must not be empty")
    expect(await snapshotTree(repo.dir)).toEqual(before)
  })
})
