import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { mkdir, readFile, realpath, symlink, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GitLive } from "../../src/layers/GitLive.js"
import { Git, type PatchOptions } from "../../src/services/Git.js"
import { addSubmodule, git, makeCommittedRepoAt, makeRepo, makeScratch, type RepoOptions } from "../helpers/repo.js"
import { keepChunks } from "../helpers/patch.js"

const TestGit = GitLive.pipe(Layer.provide(NodeContext.layer))
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
/** Where git's temporary index goes (a capture uses the bundle's staging area). */
const scratchDir = mkdtempSync(join(tmpdir(), "handover-git-scratch-"))
const defaults: Omit<PatchOptions, "repo" | "patchFile"> = { includeUntracked: true, exclude: [".handover"], scratchDir }

/** A temporary repository that lives as long as the test's scope. */
const tempRepo = (options: RepoOptions = {}) =>
  Effect.acquireRelease(Effect.promise(() => makeRepo(options)), (repo) => Effect.promise(() => repo.cleanup()))

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)

/**
 * The patch and its file list, with the patch as git wrote it to its file; what the observer saw and the recorded size
 * and sha256 must be exactly that file.
 */
const capturePatch = (root: string, options: Omit<PatchOptions, "repo" | "patchFile"> = defaults) =>
  Effect.gen(function*() {
    const git = yield* Git
    const patchFile = join(mkdtempSync(join(scratchDir, "patch-")), "workspace.patch")
    const patch = yield* git.workspacePatch({ ...options, patchFile, repo: yield* git.repoState(root) }, keepChunks)
    const bytes = yield* promise(() => readFile(patchFile))
    expect(Buffer.concat(Chunk.toReadonlyArray(patch.observed)).equals(bytes)).toBe(true)
    expect(patch.written).toEqual({ bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") })
    return { base: patch.base, files: patch.files, submodules: patch.submodules, bytes }
  })

const binaryOld = Buffer.from([0, 1, 2, 3, 255, 0, 10, 13])
const binaryNew = Buffer.from([0, 1, 2, 4, 255, 0, 10, 13])

describe("GitLive.topLevel", () => {
  it.scopedLive("finds the top level from a subdirectory", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo()
      yield* promise(() => mkdir(join(repo.dir, "src", "deep"), { recursive: true }))
      const top = yield* (yield* Git).topLevel(join(repo.dir, "src", "deep"))
      expect(yield* promise(() => realpath(top))).toBe(yield* promise(() => realpath(repo.dir)))
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a directory outside any repository and a missing directory are NotAGitRepository", () =>
    Effect.gen(function*() {
      const scratch = yield* Effect.acquireRelease(promise(makeScratch), (s) => promise(s.cleanup))
      const gitService = yield* Git
      const outside = yield* Effect.flip(gitService.topLevel(scratch.home))
      expect(outside._tag).toBe("NotAGitRepository")
      expect(outside.message).toContain("not inside a git repository")
      const missing = yield* Effect.flip(gitService.topLevel(join(scratch.base, "no-such-dir")))
      expect(missing._tag).toBe("NotAGitRepository")
    }).pipe(Effect.provide(TestGit)))
})

describe("GitLive.repoState", () => {
  it.scopedLive("branch and HEAD of a repository with a commit; no upstream", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const head = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      expect(yield* (yield* Git).repoState(repo.dir)).toEqual({
        root: repo.dir, branch: "main", head, upstream: null, indexFile: join(repo.dir, ".git", "index")
      })
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("an unborn branch has a branch name and a null HEAD", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo()
      yield* promise(() => repo.write("a.txt", "a\n"))
      expect(yield* (yield* Git).repoState(repo.dir)).toEqual({
        root: repo.dir, branch: "main", head: null, upstream: null, indexFile: join(repo.dir, ".git", "index")
      })
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a detached HEAD has no branch", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const head = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      yield* promise(() => repo.git("checkout", "--quiet", "--detach"))
      expect(yield* (yield* Git).repoState(repo.dir)).toMatchObject({ branch: null, head })
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a clone's branch tracks its upstream", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const clone = join(repo.base, "clone")
      yield* promise(() => git(repo.base, repo.env, ["clone", "--quiet", repo.dir, clone]))
      expect(yield* (yield* Git).repoState(clone)).toMatchObject({ branch: "main", upstream: "origin/main" })
    }).pipe(Effect.provide(TestGit)))
})

describe("GitLive.workspacePatch", () => {
  it.scopedLive("covers tracked, staged and untracked changes, binary files, renames and deletions", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({
        initial: {
          ".gitignore": "*.log\nbuild/\n",
          "keep.txt": "one\ntwo\nthree\n",
          "gone.txt": "bye\n",
          "old name.txt": "a\nb\nc\nd\ne\nf\ng\nh\n",
          "pic.bin": binaryOld
        }
      })
      yield* promise(async () => {
        await repo.write("keep.txt", "one\n2\nthree\nfour\n")
        await repo.git("rm", "--quiet", "gone.txt")
        await repo.git("mv", "old name.txt", "new name.txt")
        await repo.write("pic.bin", binaryNew)
        await repo.write("staged.txt", "staged\n")
        await repo.git("add", "staged.txt")
        await repo.write("untracked dir/naïve café.txt", "new\n")
        await repo.write("blob.bin", Buffer.from([0, 0, 0, 7]))
        await repo.write("debug.log", "ignored\n")
        await repo.write("build/out.js", "ignored\n")
        await repo.write(".handover/bundles/x/workspace.patch", "not part of the work\n")
      })
      const head = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()

      const patch = yield* capturePatch(repo.dir)
      expect(patch.base).toBe(head)
      const byPath = Object.fromEntries(patch.files.map((file) => [file.path, file]))
      expect(Object.keys(byPath).sort()).toEqual(
        ["blob.bin", "gone.txt", "keep.txt", "new name.txt", "pic.bin", "staged.txt", "untracked dir/naïve café.txt"]
      )
      expect(byPath["keep.txt"]).toEqual({ path: "keep.txt", status: "modified", binary: false, added: 2, deleted: 1 })
      expect(byPath["gone.txt"]).toMatchObject({ status: "deleted", binary: false, deleted: 1 })
      expect(byPath["new name.txt"]).toMatchObject({ status: "renamed", oldPath: "old name.txt", binary: false })
      expect(byPath["pic.bin"]).toEqual({ path: "pic.bin", status: "modified", binary: true })
      expect(byPath["blob.bin"]).toEqual({ path: "blob.bin", status: "added", binary: true })
      expect(byPath["staged.txt"]).toMatchObject({ status: "added", added: 1 })
      expect(byPath["untracked dir/naïve café.txt"]).toMatchObject({ status: "added", added: 1 })

      const text = patch.bytes.toString("latin1")
      expect(text).toContain("GIT binary patch")
      expect(text).not.toContain("debug.log")
      expect(text).not.toContain("build/out.js")
      expect(text).not.toContain(".handover")
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("never touches the user's index, and the patch applies to HEAD", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n", "b.txt": "b\n" } })
      yield* promise(async () => {
        await repo.write("a.txt", "changed\n")
        await repo.write("c.txt", "untracked\n")
        await repo.write("d.txt", "staged\n")
        await repo.git("add", "d.txt")
      })
      const indexPath = join(repo.dir, ".git", "index")
      const before = yield* promise(() => readFile(indexPath))

      const patch = yield* capturePatch(repo.dir)
      expect(patch.files.map((file) => file.path)).toEqual(["a.txt", "c.txt", "d.txt"])
      expect(yield* promise(() => readFile(indexPath))).toEqual(before)
      // c.txt is still untracked for the user: only the temporary index knew about it.
      expect(yield* promise(() => repo.git("status", "--porcelain"))).toContain("?? c.txt")

      const patchPath = join(repo.base, "workspace.patch")
      yield* promise(() => writeFile(patchPath, patch.bytes))
      expect(yield* (yield* (yield* Git).prepareApplyCheck(repo.dir, patch.base, scratchDir))(patchPath)).toEqual({ applies: true, detail: "" })
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("includeUntracked false leaves untracked files out", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      yield* promise(async () => {
        await repo.write("a.txt", "changed\n")
        await repo.write("new.txt", "untracked\n")
      })
      const patch = yield* capturePatch(repo.dir, { ...defaults, includeUntracked: false })
      expect(patch.files.map((file) => file.path)).toEqual(["a.txt"])
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a same-size change made in the same second as the index was written is not lost (racy git)", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo()
      const file = join(repo.dir, "data.bin")
      const index = join(repo.dir, ".git", "index")
      // Pinned times make the race exact: the file changes (same size, same mtime) in the second the index was
      // written. Only git's racy-entry check, which compares the entry's mtime with the index file's, catches that.
      // ctime is ignored so that the outcome does not depend on when this test happens to run.
      const second = new Date("2024-01-01T00:00:00.250Z")
      yield* promise(async () => {
        await repo.git("config", "core.trustctime", "false")
        await repo.write("data.bin", binaryOld)
        await utimes(file, second, second)
        await repo.git("add", "data.bin")
        await repo.git("commit", "--quiet", "--no-verify", "-m", "initial")
        await repo.write("data.bin", binaryNew)
        await utimes(file, second, second)
        await utimes(index, second, second)
      })
      const indexBefore = yield* promise(() => readFile(index))
      const patch = yield* capturePatch(repo.dir)
      expect(patch.files).toEqual([{ path: "data.bin", status: "modified", binary: true }])
      expect(yield* promise(() => readFile(index))).toEqual(indexBefore)
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("never writes the patch through something already at its path: a link there fails, its target untouched", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      yield* promise(() => repo.write("a.txt", "changed\n"))
      const dir = mkdtempSync(join(scratchDir, "linked-"))
      const target = join(dir, "target")
      yield* promise(async () => {
        await writeFile(target, "not yours\n")
        await symlink(target, join(dir, "workspace.patch"))
      })
      const git = yield* Git
      const error = yield* Effect.flip(git.workspacePatch(
        { ...defaults, patchFile: join(dir, "workspace.patch"), repo: yield* git.repoState(repo.dir) },
        keepChunks
      ))
      expect(error._tag).toBe("GitFailed")
      expect(yield* promise(() => readFile(target, "utf8"))).toBe("not yours\n")
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("an observer that fails stops the capture with its own error", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      yield* promise(() => repo.write("big.bin", Buffer.alloc(4 * 1024 * 1024, 7)))
      const git = yield* Git
      const patchFile = join(mkdtempSync(join(scratchDir, "stopped-")), "workspace.patch")
      const error = yield* Effect.flip(git.workspacePatch(
        { ...defaults, patchFile, repo: yield* git.repoState(repo.dir) },
        (patch) => Stream.runForEach(patch, () => Effect.fail("over the limit" as const))
      ))
      expect(error).toBe("over the limit")
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("on an unborn branch the patch is against the empty tree", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo()
      yield* promise(async () => {
        await repo.write("README.md", "# hello\n")
        await repo.write("src/main.ts", "export {}\n")
        await repo.write("staged.txt", "s\n")
        await repo.git("add", "staged.txt")
      })
      const patch = yield* capturePatch(repo.dir)
      expect(patch.base).toBe(emptyTree)
      expect(patch.files.map((file) => [file.path, file.status])).toEqual([
        ["README.md", "added"],
        ["src/main.ts", "added"],
        ["staged.txt", "added"]
      ])
      const patchPath = join(repo.base, "workspace.patch")
      yield* promise(() => writeFile(patchPath, patch.bytes))
      expect((yield* (yield* (yield* Git).prepareApplyCheck(repo.dir, patch.base, scratchDir))(patchPath)).applies).toBe(true)
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a clean working tree gives an empty patch", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const patch = yield* capturePatch(repo.dir)
      expect(patch.files).toEqual([])
      expect(patch.bytes.length).toBe(0)
    }).pipe(Effect.provide(TestGit)))
})

describe("GitLive.workspacePatch in submodules, nested repositories and sparse checkouts", () => {
  it.scopedLive("records each submodule and nested repository with its commits and whether it holds work", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const dirty = yield* promise(() => addSubmodule(repo, "sub/dirty", { "d.txt": "d\n" }))
      const moved = yield* promise(() => addSubmodule(repo, "sub/moved", { "m.txt": "m\n" }))
      yield* promise(() => addSubmodule(repo, "sub/clean", { "c.txt": "c\n" }))
      yield* promise(async () => {
        await repo.write("sub/dirty/untracked.txt", "only untracked work\n")
        await repo.write("sub/moved/m.txt", "m2\n")
        await git(join(repo.dir, "sub", "moved"), repo.env, ["commit", "--quiet", "--no-verify", "-am", "moved"])
        await makeCommittedRepoAt(repo.env, join(repo.dir, "nested"), { "n.txt": "n\n" })
        await git(repo.dir, repo.env, ["init", "--quiet", "scratch"])
        await git(repo.dir, repo.env, ["init", "--quiet", "empty"])
        await repo.write("scratch/draft.txt", "no commit yet\n")
      })
      const movedTo = (yield* promise(() => git(join(repo.dir, "sub", "moved"), repo.env, ["rev-parse", "HEAD"]))).trim()
      const nestedAt = (yield* promise(() => git(join(repo.dir, "nested"), repo.env, ["rev-parse", "HEAD"]))).trim()

      const patch = yield* capturePatch(repo.dir)
      // The clean submodule and the empty nested repository hold nothing to record.
      expect(patch.submodules).toEqual([
        { path: "nested", recorded: null, checkedOut: nestedAt, commitChanged: true, dirty: false },
        { path: "scratch", recorded: null, checkedOut: null, commitChanged: false, dirty: true },
        { path: "sub/dirty", recorded: dirty, checkedOut: dirty, commitChanged: false, dirty: true },
        { path: "sub/moved", recorded: moved, checkedOut: movedTo, commitChanged: true, dirty: false }
      ])
      expect(patch.files.map((file) => file.path)).toEqual(["nested", "sub/dirty", "sub/moved"])
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("neither .gitmodules ignore = all nor an uninitialised submodule in a clone hides or invents work", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const lib = yield* promise(() => addSubmodule(repo, "lib", { "l.txt": "l\n" }))
      yield* promise(async () => {
        await repo.git("config", "--file", ".gitmodules", "submodule.lib.ignore", "all")
        await repo.git("commit", "--quiet", "--no-verify", "-am", "ignore the submodule")
        await repo.write("lib/l.txt", "changed\n")
      })
      expect((yield* capturePatch(repo.dir)).submodules).toEqual([
        { path: "lib", recorded: lib, checkedOut: lib, commitChanged: false, dirty: true }
      ])

      const clone = join(repo.base, "clone")
      yield* promise(() => git(repo.base, repo.env, ["clone", "--quiet", repo.dir, clone]))
      const cloned = yield* capturePatch(clone)
      expect(cloned.submodules).toEqual([])
      expect(cloned.files).toEqual([])
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a submodule removed with git rm is recorded as no longer checked out, with nothing left behind", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const lib = yield* promise(() => addSubmodule(repo, "lib", { "l.txt": "l\n" }))
      yield* promise(() => repo.git("rm", "--quiet", "lib"))
      const patch = yield* capturePatch(repo.dir)
      expect(patch.submodules).toEqual([{ path: "lib", recorded: lib, checkedOut: null, commitChanged: true, dirty: false }])
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("with includeUntracked false, nested repositories are neither added nor recorded", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      yield* promise(async () => {
        await makeCommittedRepoAt(repo.env, join(repo.dir, "nested"), { "n.txt": "n\n" })
        await git(repo.dir, repo.env, ["init", "--quiet", "scratch"])
        await repo.write("scratch/draft.txt", "no commit yet\n")
      })
      const patch = yield* capturePatch(repo.dir, { ...defaults, includeUntracked: false })
      expect(patch.files).toEqual([])
      expect(patch.submodules).toEqual([])
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a sparse index: untracked files outside the cone, and a file brought back outside it, are in the patch", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "in/i.txt": "i\n", "out/o.txt": "o\n", "out/p.txt": "p\n" } })
      yield* promise(async () => {
        await repo.git("sparse-checkout", "set", "--cone", "--sparse-index", "in")
        await repo.write("out/new.txt", "new\n")
        await repo.write("out/o.txt", "o, brought back and changed\n")
      })
      const patch = yield* capturePatch(repo.dir)
      expect(patch.files.map((file) => [file.path, file.status])).toEqual([["out/new.txt", "added"], ["out/o.txt", "modified"]])
      const patchPath = join(repo.base, "workspace.patch")
      yield* promise(() => writeFile(patchPath, patch.bytes))
      expect(yield* (yield* (yield* Git).prepareApplyCheck(repo.dir, patch.base, scratchDir))(patchPath)).toEqual({ applies: true, detail: "" })
    }).pipe(Effect.provide(TestGit)))
})

describe("GitLive.patchApplies", () => {
  it.scopedLive("false, with git's reason, against a base the patch does not fit", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "one\ntwo\nthree\n" } })
      const oldHead = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      yield* promise(() => repo.write("a.txt", "one\nTWO\nthree\n"))
      const patch = yield* capturePatch(repo.dir)
      const patchPath = join(repo.base, "workspace.patch")
      yield* promise(() => writeFile(patchPath, patch.bytes))

      // Someone commits a different change to the same line: the patch no longer fits the new HEAD.
      yield* promise(async () => {
        await repo.write("a.txt", "one\n2\nthree\n")
        await repo.git("commit", "--quiet", "--no-verify", "-am", "conflicting")
      })
      const newHead = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      const gitService = yield* Git
      const result = yield* (yield* gitService.prepareApplyCheck(repo.dir, newHead, scratchDir))(patchPath)
      expect(result.applies).toBe(false)
      expect(result.detail).toContain("a.txt")
      expect(yield* (yield* gitService.prepareApplyCheck(repo.dir, oldHead, scratchDir))(patchPath)).toEqual({ applies: true, detail: "" })
    }).pipe(Effect.provide(TestGit)))
})

describe("GitLive.relation", () => {
  it.scopedLive("counts the commits on each side of the capture's HEAD, in one answer", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const gitService = yield* Git
      const base = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      expect(yield* gitService.relation(repo.dir, base)).toEqual({ known: true, ahead: 0, behind: 0 })
      for (const n of [1, 2]) {
        yield* promise(() => repo.write("a.txt", `a${n}\n`))
        yield* promise(() => repo.git("commit", "--quiet", "-am", `main ${n}`))
      }
      expect(yield* gitService.relation(repo.dir, base)).toEqual({ known: true, ahead: 2, behind: 0 })
      // A side branch from base with one commit: HEAD on it is 1 ahead and 2 behind the tip of main.
      const mainTip = (yield* promise(() => repo.git("rev-parse", "HEAD"))).trim()
      yield* promise(() => repo.git("checkout", "--quiet", "-b", "side", base))
      yield* promise(() => repo.write("b.txt", "b\n"))
      yield* promise(() => repo.git("add", "b.txt"))
      yield* promise(() => repo.git("commit", "--quiet", "-m", "side"))
      expect(yield* gitService.relation(repo.dir, mainTip)).toEqual({ known: true, ahead: 1, behind: 2 })
    }).pipe(Effect.provide(TestGit)))

  it.scopedLive("a commit this repository lacks, an unborn HEAD, and text that is no object id are unknown", () =>
    Effect.gen(function*() {
      const repo = yield* tempRepo({ initial: { "a.txt": "a\n" } })
      const unborn = yield* tempRepo()
      const gitService = yield* Git
      const missing = "0123456789abcdef0123456789abcdef01234567"
      expect(yield* gitService.relation(repo.dir, missing)).toEqual({ known: false })
      expect(yield* gitService.relation(unborn.dir, missing)).toEqual({ known: false })
      expect(yield* gitService.relation(repo.dir, "--all")).toEqual({ known: false })
      expect(yield* gitService.relation(repo.dir, "HEAD")).toEqual({ known: false })
    }).pipe(Effect.provide(TestGit)))
})
