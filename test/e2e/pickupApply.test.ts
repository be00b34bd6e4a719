import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { encodeBundleJson } from "../../src/domain/Bundle.js"
import { makeBundle } from "../helpers/bundles.js"
import { cloneWithBundle, workState } from "../helpers/carry.js"
import {
  assertCliBuilt,
  git,
  type Repo,
  repoAt,
  type RunResult,
  snapshotTree,
  useRepo,
  useScratch,
  writeFileIn
} from "../helpers/repo.js"
import { capture, expectCleanFailure, expectSuccess, readBundleJson, storeDir } from "../helpers/store.js"

// pickup --apply through the built CLI with real git: a handover captured in one clone and carried to another (git
// clone, handover init, the bundle's directory copied), applied only when it fits, and never anything else.

beforeAll(assertCliBuilt)

const binaryOld = Buffer.from([0, 1, 2, 3, 255, 0, 10, 13])
const binaryNew = Buffer.from([0, 1, 2, 4, 255, 0, 10, 13, 0, 0])
const binaryAdded = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) % 256))

/** A repository with work in progress of every kind: a modified text and binary file, a deletion, new files. */
const repoWithWork = async (context: Parameters<typeof useRepo>[0]) => {
  const repo = await useRepo(context, {
    initial: { "a.txt": "one\ntwo\nthree\n", "old.txt": "old\n", "img.bin": binaryOld }
  })
  await repo.write("a.txt", "one\nTWO\nthree\n")
  await repo.write("img.bin", binaryNew)
  await repo.write("new.bin", binaryAdded)
  await repo.write("dir with space/new file.txt", "hello\n")
  await repo.git("rm", "--quiet", "old.txt")
  const bundle = await capture(repo, ["--title", "Carry me"])
  expect(bundle.patch.files).toHaveLength(5)
  return { repo, bundle }
}

/** The working tree without .git and .handover: what the patch is about. */
const workTree = (repo: Repo) => snapshotTree(repo.dir, [".git", ".handover"])

const stderrLines = (result: RunResult) => result.stderr.split("\n").filter((line) => line !== "")

describe.concurrent("pickup --apply", () => {
  it("onto a clean clone: the tree becomes the capture's, binary files byte for byte; the index stays unless --index", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const clone = await cloneWithBundle(repo, bundle.id, "clone")

    const result = await clone.cli(["pickup", "--apply", "--target", "codex"])
    expectSuccess(result)
    expect(result.stdout).toContain("# Handover: Carry me")
    expect(stderrLines(result)).toEqual([
      "handover: captured less than a minute ago",
      "handover: applied workspace.patch to the working tree: 5 files"
    ])
    expect(await workTree(clone)).toEqual(await workTree(repo))
    expect(await clone.read("new.bin")).toEqual(binaryAdded)
    expect(await clone.read("img.bin")).toEqual(binaryNew)
    expect(await clone.git("diff", "--cached", "--name-only")).toBe("")
    expect((await readBundleJson(clone, bundle.id)).claim).toMatchObject({ by: "codex" })

    const indexed = await cloneWithBundle(repo, bundle.id, "indexed")
    expectSuccess(await indexed.cli(["pickup", "--apply", "--index"]))
    expect(await workTree(indexed)).toEqual(await workTree(repo))
    expect((await indexed.git("diff", "--cached", "--name-only")).split("\n").filter(Boolean).sort()).toEqual(
      ["a.txt", "dir with space/new file.txt", "img.bin", "new.bin", "old.txt"]
    )
  })

  it("in the tree it was captured from: already applied, claimed, and nothing else changes", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const before = { tree: await workTree(repo), index: await repo.read(".git/index") }

    const result = await repo.cli(["pickup", "--apply"])
    expectSuccess(result)
    expect(result.stderr).toContain("handover: workspace.patch is already applied to this working tree: nothing changed")
    expect({ tree: await workTree(repo), index: await repo.read(".git/index") }).toEqual(before)
    expect((await readBundleJson(repo, bundle.id)).claim).not.toBeNull()
    // Claimed already: naming it applies it again without claiming, and without --apply it is the usual refusal.
    expectSuccess(await repo.cli(["pickup", "--apply", "current"]))
    expect(expectCleanFailure(await repo.cli(["pickup", "current"]), 1)).toContain("already claimed")
  })

  it("a conflicting tree: refused with the conflicting paths, and the tree, the index and the store are unchanged", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const clone = await cloneWithBundle(repo, bundle.id, "clone")
    await clone.write("a.txt", "one\nmine\nthree\n")
    await clone.write("new.bin", "mine too\n")
    const before = await workState(clone)

    const line = expectCleanFailure(await clone.cli(["pickup", "--apply"]), 1)
    expect(line).toContain(`workspace.patch of bundle ${bundle.id} does not apply to this working tree: conflicts in a.txt, new.bin`)
    expect(line).toContain("nothing was changed or claimed")
    expect(line).toContain(`handover pickup --apply --3way ${bundle.id}`)
    expect(await workState(clone)).toEqual(before)
    expect((await readBundleJson(clone, bundle.id)).claim).toBeNull()
  })

  it("--3way after HEAD moved: says so first, merges, leaves conflict markers and names the files (exit 1)", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const clone = await cloneWithBundle(repo, bundle.id, "clone")
    await clone.write("a.txt", "one\nmine\nthree\n")
    await clone.git("commit", "--quiet", "-am", "a conflicting change")
    const head = (await clone.git("rev-parse", "HEAD")).trim()
    expect(expectCleanFailure(await clone.cli(["pickup", "--apply"]), 1)).toContain("conflicts in a.txt")

    const result = await clone.cli(["pickup", "--apply", "--3way"])
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toContain("# Handover: Carry me")
    expect(stderrLines(result)).toEqual([
      "handover: captured less than a minute ago",
      `handover: HEAD moved: 1 commit since the capture (${bundle.repo.head!.slice(0, 7)} → ${head.slice(0, 7)})`,
      "handover: applied workspace.patch with --3way, leaving conflict markers in 1 file: a.txt; resolve them, then git add each file"
    ])
    const merged = (await clone.read("a.txt")).toString()
    expect(merged).toMatch(/^<<<<<<< .*\nmine\n=======\nTWO\n>>>>>>> /m)
    expect(await clone.git("diff", "--name-only", "--diff-filter=U")).toBe("a.txt\n")
    expect(await clone.read("new.bin")).toEqual(binaryAdded)
    expect((await readBundleJson(clone, bundle.id)).claim).not.toBeNull()
  })

  it("HEAD moved, the patch still fits: the note comes before the patch is applied", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const clone = await cloneWithBundle(repo, bundle.id, "clone")
    await clone.write("unrelated.txt", "x\n")
    await clone.git("add", "unrelated.txt")
    await clone.git("commit", "--quiet", "-m", "unrelated")

    const result = await clone.cli(["pickup", "--apply"])
    expectSuccess(result)
    const lines = stderrLines(result)
    const moved = lines.findIndex((line) => line.startsWith("handover: HEAD moved: 1 commit since the capture"))
    const applied = lines.indexOf("handover: applied workspace.patch to the working tree: 5 files")
    expect(moved, result.stderr).toBeGreaterThanOrEqual(0)
    expect(applied).toBeGreaterThan(moved)
    expect(await clone.read("a.txt")).toEqual(Buffer.from("one\nTWO\nthree\n"))
  })

  it("a patch that is not the captured one (changed, or missing) is refused: nothing applied, nothing claimed", async (context) => {
    const { bundle, repo } = await repoWithWork(context)
    const clone = await cloneWithBundle(repo, bundle.id, "clone")
    const patchPath = storeDir(clone, "bundles", bundle.id, "workspace.patch")
    // The same size, one word changed: only the sha256 tells.
    await writeFile(patchPath, (await readFile(patchPath, "utf8")).replace("+TWO", "+OWT"))
    const before = await workState(clone)

    const changed = expectCleanFailure(await clone.cli(["pickup", "--apply"]), 1)
    expect(changed).toBe(
      `handover: ${patchPath} does not match the sha256 bundle.json records, so it is not the patch that was captured; nothing was applied or claimed; capture again, or read it with handover inspect --patch before applying it by hand`
    )
    expect(await workState(clone)).toEqual(before)

    await rm(patchPath)
    expect(expectCleanFailure(await clone.cli(["pickup", "--apply", bundle.id]), 1)).toContain(`${patchPath} is missing`)
    expect((await readBundleJson(clone, bundle.id)).claim).toBeNull()
  })

  it("--3way and --index without --apply are refused", async (context) => {
    const { repo } = await repoWithWork(context)
    expect(expectCleanFailure(await repo.cli(["pickup", "--3way"]), 1)).toContain("--3way and --index: they go with --apply")
  })
})

// A bundle committed by an attacker, with a patch whose sha256 matches (the attacker computes it) and that aims outside
// the repository: git apply's own path checks refuse it, and nothing outside the clone changes.
describe("pickup --apply of a hostile committed bundle", () => {
  const hostilePatches: Record<string, string> = {
    "20261125T100000Z-aaa1": "diff --git a/../outside/evil.txt b/../outside/evil.txt\nnew file mode 100644\n--- /dev/null\n" +
      "+++ b/../outside/evil.txt\n@@ -0,0 +1 @@\n+evil\n",
    "20261125T100000Z-aaa2": "diff --git a/link/evil.txt b/link/evil.txt\nnew file mode 100644\n--- /dev/null\n" +
      "+++ b/link/evil.txt\n@@ -0,0 +1 @@\n+evil\n",
    "20261125T100000Z-aaa3": "diff --git a/fresh b/fresh\nnew file mode 120000\n--- /dev/null\n+++ b/fresh\n@@ -0,0 +1 @@\n" +
      "+../outside\n\\ No newline at end of file\n" +
      "diff --git a/fresh/evil.txt b/fresh/evil.txt\nnew file mode 100644\n--- /dev/null\n+++ b/fresh/evil.txt\n" +
      "@@ -0,0 +1 @@\n+evil\n",
    "20261125T100000Z-aaa4": "diff --git a/.git/hooks/post-checkout b/.git/hooks/post-checkout\nnew file mode 100755\n" +
      "--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+evil\n"
  }

  it("a patch aimed at ../outside, through a committed link or one it creates itself, or into .git: refused, nothing written", async (context) => {
    const scratch = await useScratch(context)
    const attacker = join(scratch.base, "attacker")
    const outside = join(scratch.base, "outside")
    const run = (cwd: string, ...args: ReadonlyArray<string>) => git(cwd, scratch.env, args)
    await mkdir(attacker)
    await run(attacker, "init", "--quiet", "--initial-branch=main")
    await writeFileIn(attacker, "src/app.ts", "export const app = 1\n")
    await symlink("../outside", join(attacker, "link"))
    await writeFileIn(attacker, ".handover/config.json", "{}\n")
    for (const [id, patch] of Object.entries(hostilePatches)) {
      const bundle = makeBundle({
        createdAt: "2026-11-25T10:00:00.000Z",
        patch: { bytes: Buffer.byteLength(patch), sha256: createHash("sha256").update(patch).digest("hex") }
      })
      await writeFileIn(attacker, `.handover/bundles/${id}/bundle.json`, encodeBundleJson({ ...bundle, id }))
      await writeFileIn(attacker, `.handover/bundles/${id}/workspace.patch`, patch)
    }
    await run(attacker, "add", "--all", "--force")
    await run(attacker, "commit", "--quiet", "-m", "innocent looking")
    const dir = join(scratch.base, "repo")
    await run(scratch.base, "clone", "--quiet", attacker, dir)
    const clone = repoAt(scratch, dir)
    await mkdir(outside)
    await writeFile(join(outside, "important"), "keep me\n")
    const outsideBefore = await snapshotTree(outside)
    const before = await workState(clone)

    const refusals = []
    for (const id of Object.keys(hostilePatches)) {
      for (const flags of [[], ["--3way"]]) {
        const line = expectCleanFailure(await clone.cli(["pickup", "--apply", ...flags, id]), 1)
        expect(line).toContain(`workspace.patch of bundle ${id} does not apply to this working tree`)
        refusals.push(line)
      }
    }
    expect(refusals[0]).toContain("conflicts in ../outside/evil.txt")
    expect(refusals[2]).toContain("conflicts in link/evil.txt")
    expect(refusals[4]).toContain("fresh/evil.txt")
    expect(refusals[6]).toContain("conflicts in .git/hooks/post-checkout")
    expect(existsSync(join(dir, ".git", "hooks", "post-checkout"))).toBe(false)
    expect(await snapshotTree(outside)).toEqual(outsideBefore)
    expect(await workState(clone)).toEqual(before)
  })
})
