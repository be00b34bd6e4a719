import { beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdir, readFile, stat, symlink } from "node:fs/promises"
import { join } from "node:path"
import type { Bundle } from "../../src/domain/Bundle.js"
import {
  addSubmodule,
  assertCliBuilt,
  git,
  makeCommittedRepoAt,
  type Repo,
  sha256,
  snapshotTree,
  useRepo,
  writeFileIn
} from "../helpers/repo.js"
import { capture, expectSuccess, readBundleJson, storeDir } from "../helpers/store.js"

// The built CLI on scratch repositories: what a capture writes, that it is the user's work byte for byte, and that
// nothing of the user's git state moves.

beforeAll(assertCliBuilt)

const pngOld = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3])
const pngNew = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 9, 8, 7, 6, 0])
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`).join("\n") + "\n"

/** Applies `patchPath` with plain `git apply` in `dir`; throws with git's message when it does not apply. */
const applyPatch = (repo: Repo, dir: string, patchPath: string) => git(dir, repo.env, ["apply", "--whitespace=nowarn", patchPath])

/** The working tree without .git and .handover: what a clone plus the patch must reproduce exactly. */
const workTree = (dir: string) => snapshotTree(dir, [".git", ".handover"])

describe.concurrent("capture", () => {
  it("captures every kind of change; the patch rebuilds the working tree byte for byte in a clone", async (context) => {
    const repo = await useRepo(context, {
      initial: {
        ".gitignore": "*.log\n/secret-build/\n",
        "src/app.ts": lines(1, 30),
        "docs/old-name.md": lines(100, 140),
        "obsolete.txt": "to be deleted\n",
        "assets/logo.png": pngOld,
        "run.sh": "#!/bin/sh\necho run\n"
      }
    })
    await repo.write("src/app.ts", lines(1, 10) + "changed line\n" + lines(12, 30) + "appended\n")
    await repo.write("staged.txt", "added and staged\n")
    await repo.git("add", "staged.txt")
    await repo.write("untracked.txt", "never added\n")
    await repo.git("rm", "--quiet", "obsolete.txt")
    await repo.git("mv", "docs/old-name.md", "docs/new-name.md")
    await repo.write("assets/blob.bin", Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 10]))
    await repo.write("assets/logo.png", pngNew)
    await repo.write("with space.txt", "spaces in the name\n")
    await repo.write("naïve café.txt", "non-ASCII name\n")
    await repo.write("new/dir/deep.txt", "in a new directory\n")
    await repo.write("run.sh", "#!/bin/sh\necho run\n", 0o755)
    await repo.write("pkg/__init__.py", "")
    await repo.write("no-newline.txt", "no newline at the end")
    await repo.write("crlf.txt", "windows\r\nline endings\r\n")
    await symlink("src/app.ts", join(repo.dir, "app-link"))
    await repo.write("debug.log", "ignored: must not travel\n")
    await repo.write("secret-build/out.js", "ignored directory\n")
    await mkdir(join(repo.dir, ".handover", "rendered"), { recursive: true })
    await repo.write(".handover/rendered/notes.md", "the store is never part of the patch\n")

    const bundle = await capture(repo, ["--summary", "Refactoring app.ts", "--next-step", "Finish it"])

    const byPath = Object.fromEntries(bundle.patch.files.map((file) => [file.path, file]))
    expect(Object.keys(byPath).sort()).toEqual([
      "app-link",
      "assets/blob.bin",
      "assets/logo.png",
      "crlf.txt",
      "docs/new-name.md",
      "naïve café.txt",
      "new/dir/deep.txt",
      "no-newline.txt",
      "obsolete.txt",
      "pkg/__init__.py",
      "run.sh",
      "src/app.ts",
      "staged.txt",
      "untracked.txt",
      "with space.txt"
    ])
    expect(byPath["src/app.ts"]).toMatchObject({ status: "modified", binary: false, added: 2, deleted: 1 })
    expect(byPath["staged.txt"]).toMatchObject({ status: "added", binary: false })
    expect(byPath["untracked.txt"]).toMatchObject({ status: "added", binary: false })
    expect(byPath["obsolete.txt"]).toMatchObject({ status: "deleted", binary: false })
    expect(byPath["docs/new-name.md"]).toMatchObject({ status: "renamed", oldPath: "docs/old-name.md", binary: false })
    expect(byPath["assets/blob.bin"]).toMatchObject({ status: "added", binary: true })
    expect(byPath["assets/logo.png"]).toMatchObject({ status: "modified", binary: true })
    expect(byPath["with space.txt"]).toMatchObject({ status: "added" })
    expect(byPath["naïve café.txt"]).toMatchObject({ status: "added" })
    expect(byPath["new/dir/deep.txt"]).toMatchObject({ status: "added" })
    expect(byPath["run.sh"]).toMatchObject({ status: "modified", added: 0, deleted: 0 })

    const patchPath = storeDir(repo, "bundles", bundle.id, "workspace.patch")
    const patch = await readFile(patchPath)
    expect(bundle.patch.bytes).toBe(patch.length)
    expect(bundle.patch.sha256).toBe(sha256(patch))
    expect(bundle.patch.includesUntracked).toBe(true)
    expect(bundle.patch.applies).toBe(true)
    expect(bundle.patch.base).toBe((await repo.git("rev-parse", "HEAD")).trim())
    expect(bundle.repo).toMatchObject({ branch: "main", head: bundle.patch.base })
    expect(patch.toString("latin1")).not.toContain("debug.log")
    expect(patch.toString("latin1")).not.toContain(".handover")
    // What --json printed is what is on disk, and current/ holds the same bundle.
    expect(await readBundleJson(repo, bundle.id)).toEqual(bundle)
    expect(await readFile(storeDir(repo, "current", "workspace.patch"))).toEqual(patch)
    expect(JSON.parse(await readFile(storeDir(repo, "current", "bundle.json"), "utf8"))).toEqual(bundle)

    const clone = join(repo.base, "clone")
    await git(repo.base, repo.env, ["clone", "--quiet", repo.dir, clone])
    await applyPatch(repo, clone, patchPath)
    const original = await workTree(repo.dir)
    const rebuilt = await workTree(clone)
    // The ignored files stay behind; everything else is identical, modes included.
    expect(Object.keys(original)).toEqual(expect.arrayContaining(["debug.log", "secret-build/out.js"]))
    delete original["debug.log"]
    delete original["secret-build"]
    delete original["secret-build/out.js"]
    expect(rebuilt).toEqual(original)
    expect(rebuilt["run.sh"]).toMatch(/^file 7\d\d /) // the executable bit travelled
    expect(rebuilt["app-link"]).toBe("link src/app.ts")
    expect(rebuilt["pkg/__init__.py"]).toMatch(/^file \d+ 0 /)
  })

  it("leaves the user's index, HEAD, refs, stash and status exactly as they were", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n" } })
    await repo.git("branch", "feature")
    await repo.git("tag", "v1")
    await repo.write("a.txt", "stashed change\n")
    await repo.git("stash", "push", "--quiet", "-m", "kept aside")
    await repo.write("a.txt", "a, modified\n")
    await repo.write("b.txt", "b, staged\n")
    await repo.git("add", "b.txt")
    await repo.write("b.txt", "b, staged then modified again\n")
    await repo.write("new.txt", "untracked\n")
    await repo.git("rm", "--quiet", "--cached", "c.txt")

    // --no-optional-locks: reading the state must not refresh the index itself.
    const gitState = async () => ({
      index: await readFile(join(repo.dir, ".git", "index")),
      head: await repo.git("rev-parse", "HEAD"),
      symbolicHead: await repo.git("symbolic-ref", "HEAD"),
      refs: await repo.git("for-each-ref"),
      stash: await repo.git("stash", "list"),
      status: (await repo.git("--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"))
        .split("\n")
        .filter((line) => !line.includes(".handover/"))
        .join("\n")
    })
    const before = await gitState()
    const worktreeBefore = await workTree(repo.dir)

    const bundle = await capture(repo)

    expect(await gitState()).toEqual(before)
    expect(await workTree(repo.dir)).toEqual(worktreeBefore)
    // c.txt is out of the index but unchanged in the working tree: against HEAD there is nothing to carry.
    expect(bundle.patch.files.map((file) => file.path).sort()).toEqual(["a.txt", "b.txt", "new.txt"])
  })

  it("works on an unborn branch: head null, the patch rebuilds the tree in a fresh git init", async (context) => {
    const repo = await useRepo(context)
    await repo.write("README.md", "# new project\n")
    await repo.write("src/index.ts", "export const answer = 42\n")
    await repo.write("bin/tool", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 0o755)
    await repo.write("staged.txt", "staged before the first commit\n")
    await repo.git("add", "staged.txt")

    const bundle = await capture(repo)
    expect(bundle.repo.head).toBeNull()
    expect(bundle.repo.branch).toBe("main")
    expect(bundle.patch.applies).toBe(true)
    expect(bundle.patch.files.map((file) => [file.path, file.status, file.binary]).sort()).toEqual([
      ["README.md", "added", false],
      ["bin/tool", "added", true],
      ["src/index.ts", "added", false],
      ["staged.txt", "added", false]
    ])
    const summary = await readFile(storeDir(repo, "current", "summary.md"), "utf8")
    expect(summary).toContain("HEAD: (no commit yet)")

    const fresh = join(repo.base, "fresh")
    await mkdir(fresh)
    await git(fresh, repo.env, ["init", "--quiet"])
    await applyPatch(repo, fresh, storeDir(repo, "bundles", bundle.id, "workspace.patch"))
    expect(await workTree(fresh)).toEqual(await workTree(repo.dir))
  })

  it("--summary-file - reads the summary from standard input; one line on stdout; the store is private", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "b\n")
    const text = "Line one of the summary.\nLine two, with ünïcode.\n"
    const result = await repo.cli(
      ["capture", "--title", "From stdin", "--summary-file", "-", "--next-step", "one", "--next-step", "two"],
      { stdin: text }
    )
    expectSuccess(result)
    expect(result.stdout).toMatch(/^Captured \d{8}T\d{6}Z-[0-9a-f]+: 1 changed file\(s\)/)

    const bundle = JSON.parse(await readFile(storeDir(repo, "current", "bundle.json"), "utf8")) as Bundle
    expect(bundle.summary).toBe(text)
    expect(bundle.nextSteps).toEqual(["one", "two"])
    const summary = await readFile(storeDir(repo, "bundles", bundle.id, "summary.md"), "utf8")
    expect(summary).toContain("Line two, with ünïcode.")
    expect(summary).toContain("1. one\n2. two")

    for (const dir of ["bundles", "current", "state", `bundles/${bundle.id}`]) {
      expect((await stat(storeDir(repo, dir))).mode & 0o777).toBe(0o700)
    }
    for (const name of ["bundle.json", "summary.md", "workspace.patch"]) {
      expect((await stat(storeDir(repo, "current", name))).mode & 0o777).toBe(0o600)
      expect((await stat(storeDir(repo, "bundles", bundle.id, name))).mode & 0o777).toBe(0o600)
    }
  })
})

/** A repository with a.txt and a committed submodule sub/lib; returns the submodule's commit too. */
const repoWithSubmodule = async (context: Parameters<typeof useRepo>[0]) => {
  const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
  const libHead = await addSubmodule(repo, "sub/lib", { "lib.txt": "one\n" })
  return { repo, libHead }
}

const cloneAt = async (repo: Repo, name: string): Promise<string> => {
  const clone = join(repo.base, name)
  await git(repo.base, repo.env, ["clone", "--quiet", repo.dir, clone])
  return clone
}

describe.concurrent("capture in submodules, nested repositories and sparse checkouts", () => {
  it("records a dirty submodule and a dirty nested repository, warns that their changes are not in the patch", async (context) => {
    const { repo, libHead } = await repoWithSubmodule(context)
    await repo.write("sub/lib/lib.txt", "one, changed inside the submodule\n")
    await repo.write("sub/lib/notes.txt", "untracked inside the submodule\n")
    const nestedHead = await makeCommittedRepoAt(repo.env, join(repo.dir, "tools", "nested"), { "n.txt": "n\n" })
    await repo.write("tools/nested/n.txt", "changed inside the nested repository\n")
    await repo.write("a.txt", "a, changed\n")
    const submoduleStatus = await git(join(repo.dir, "sub", "lib"), repo.env, ["status", "--porcelain"])

    const result = await repo.cli(["capture", "--title", "Work in progress", "--json"])
    expectSuccess(result)
    expect(result.stderr).toContain(
      "warning: submodule sub/lib has uncommitted changes that are NOT in the patch; " +
        "commit them inside the submodule or capture there"
    )
    expect(result.stderr).toContain(
      "warning: nested repository tools/nested has uncommitted changes that are NOT in the patch"
    )
    const bundle = JSON.parse(result.stdout) as Bundle
    expect(bundle.patch.submodules).toEqual([
      { path: "sub/lib", recorded: libHead, checkedOut: libHead, commitChanged: false, dirty: true },
      { path: "tools/nested", recorded: null, checkedOut: nestedHead, commitChanged: true, dirty: true }
    ])
    expect(await readBundleJson(repo, bundle.id)).toEqual(bundle)

    const summary = await readFile(storeDir(repo, "bundles", bundle.id, "summary.md"), "utf8")
    const section = summary.slice(summary.indexOf("## Submodules and nested repositories"))
    expect(section).toContain("submodule sub/lib has uncommitted changes that are NOT in the patch")
    expect(section).toContain("nested repository tools/nested has uncommitted changes that are NOT in the patch")

    // The capture read the submodule without touching it, and the rest of the work still travels.
    expect(await git(join(repo.dir, "sub", "lib"), repo.env, ["status", "--porcelain"])).toBe(submoduleStatus)
    const clone = await cloneAt(repo, "clone")
    await applyPatch(repo, clone, storeDir(repo, "bundles", bundle.id, "workspace.patch"))
    expect(await readFile(join(clone, "a.txt"), "utf8")).toBe("a, changed\n")
  })

  it("a submodule moved to a new commit travels as a gitlink; a nested repository with no commit does not stop it", async (context) => {
    const { repo, libHead } = await repoWithSubmodule(context)
    const inside = join(repo.dir, "sub", "lib")
    await writeFileIn(inside, "lib.txt", "two\n")
    await git(inside, repo.env, ["commit", "--quiet", "--no-verify", "-am", "inside the submodule"])
    const newLibHead = (await git(inside, repo.env, ["rev-parse", "HEAD"])).trim()
    await git(repo.dir, repo.env, ["init", "--quiet", "tools/scratch"])
    await repo.write("tools/scratch/draft.txt", "not committed anywhere\n")
    await repo.write("a.txt", "a, changed\n")

    const result = await repo.cli(["capture", "--title", "Work in progress", "--json"])
    expectSuccess(result)
    const bundle = JSON.parse(result.stdout) as Bundle
    expect(bundle.patch.submodules).toEqual([
      { path: "sub/lib", recorded: libHead, checkedOut: newLibHead, commitChanged: true, dirty: false },
      { path: "tools/scratch", recorded: null, checkedOut: null, commitChanged: false, dirty: true }
    ])
    expect(result.stderr).toContain(`warning: submodule sub/lib is checked out at ${newLibHead.slice(0, 12)}`)
    expect(result.stderr).toContain(
      "warning: nested repository tools/scratch has uncommitted changes that are NOT in the patch"
    )
    expect(bundle.patch.applies).toBe(true)

    // Applied with --index in a clone, the patch moves the submodule's gitlink to the new commit.
    const clone = await cloneAt(repo, "clone")
    await git(clone, repo.env, ["apply", "--index", storeDir(repo, "bundles", bundle.id, "workspace.patch")])
    expect(await git(clone, repo.env, ["ls-files", "--stage", "sub/lib"])).toContain(`160000 ${newLibHead} 0\tsub/lib`)
    expect(await readFile(join(clone, "a.txt"), "utf8")).toBe("a, changed\n")
  })

  it.for([["a full index", []], ["a sparse index", ["--sparse-index"]]] as const)(
    "a cone-mode sparse checkout with %s: untracked files outside the cone are captured",
    async ([, sparseIndex], context) => {
      const repo = await useRepo(context, { initial: { "in/i.txt": "i\n", "out/o.txt": "o\n", "top.txt": "top\n" } })
      await repo.git("sparse-checkout", "set", "--cone", ...sparseIndex, "in")
      await repo.write("in/i.txt", "i, changed\n")
      await repo.write("out/new.txt", "new, in a directory outside the cone\n")
      await repo.write("other/x.txt", "new, in a new directory outside the cone\n")
      await repo.write("top2.txt", "new, at the top\n")
      const index = await readFile(join(repo.dir, ".git", "index"))

      const bundle = await capture(repo)
      expect(bundle.patch.files.map((file) => [file.path, file.status])).toEqual([
        ["in/i.txt", "modified"],
        ["other/x.txt", "added"],
        ["out/new.txt", "added"],
        ["top2.txt", "added"]
      ])
      expect(bundle.patch.applies).toBe(true)
      expect(await readFile(join(repo.dir, ".git", "index"))).toEqual(index)

      const clone = await cloneAt(repo, "clone")
      await applyPatch(repo, clone, storeDir(repo, "bundles", bundle.id, "workspace.patch"))
      for (const path of ["in/i.txt", "out/new.txt", "other/x.txt", "top2.txt"]) {
        expect(await readFile(join(clone, path), "utf8")).toBe((await repo.read(path)).toString("utf8"))
      }
      // Files the sparse checkout leaves out are not deletions.
      expect(await readFile(join(clone, "out/o.txt"), "utf8")).toBe("o\n")
    }
  )
})

describe.concurrent("inspect", () => {
  it("--json has patchIntact true; --patch prints exactly the patch bytes; a tampered patch is reported", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n", "img.bin": pngOld } })
    await repo.write("a.txt", "a\nb\n")
    await repo.write("img.bin", pngNew)
    await repo.write("raw.bin", Buffer.from([0xff, 0xfe, 0, 0x80, 0xc3]))
    const bundle = await capture(repo)
    const patchPath = storeDir(repo, "bundles", bundle.id, "workspace.patch")

    const json = await repo.cli(["inspect", bundle.id, "--json"])
    expectSuccess(json)
    const inspected = JSON.parse(json.stdout) as Record<string, unknown>
    expect(inspected).toMatchObject({ id: bundle.id, title: "Work in progress", patchIntact: true })

    const current = await repo.cli(["inspect", "--json"])
    expect((JSON.parse(current.stdout) as { id: string }).id).toBe(bundle.id)

    const raw = await repo.cli(["inspect", bundle.id, "--patch"])
    expectSuccess(raw)
    expect(raw.stdoutBytes.equals(await readFile(patchPath))).toBe(true)

    const text = await repo.cli(["inspect", bundle.id])
    expectSuccess(text)
    expect(text.stdout).toContain("# Handover: Work in progress")
    expect(text.stdout).toContain("verified")

    await repo.write(`.handover/bundles/${bundle.id}/workspace.patch`, "tampered\n")
    const tampered = await repo.cli(["inspect", bundle.id, "--json"])
    expect((JSON.parse(tampered.stdout) as { patchIntact: boolean }).patchIntact).toBe(false)
  })
})
