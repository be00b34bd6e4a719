import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "fast-check"
import { chmod, mkdir, mkdtemp, readFile, rename, rm, symlink, unlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { parseDiffSummary } from "../../src/domain/PatchFiles.js"
import { GitLive } from "../../src/layers/GitLive.js"
import { Git } from "../../src/services/Git.js"
import { fuzzRuns } from "../fuzz/fuzzing.js"
import { gitBytes, makeRepo } from "../helpers/repo.js"
import { keepChunks } from "../helpers/patch.js"

// A capture reads its file list and the patch from one `git diff`. Whatever the names and changes, that list must be
// what a separate `git diff --raw --numstat -z` pass says (what captures recorded before), and the patch the bytes a
// separate `git diff --binary` writes.

const TestGit = GitLive.pipe(Layer.provide(NodeContext.layer))

/** Names git quotes in diff headers, or that look like parts of a header or of a summary record. */
const trickyNames: ReadonlyArray<Buffer> = [
  "plain.txt", "with space.txt", "quote\"d.txt", "new\nline.txt", "x b/inside.txt", "tab\tin.txt", "1\t2\tx", ":colon",
  "naïve café.txt", "back\\slash", "-dash", "trailing tab\t"
].map((name) => Buffer.from(name)).concat([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74])]) // "caf" + Latin-1 é

/** Text whose lines look like diff headers; in a hunk they start with +, - or a space and must stay content. */
const headerLikeText = "diff --git a/evil b/evil\nnew file mode 100644\n+++ b/evil\n@@ -1 +1 @@\n"

const change = fc.constantFrom("keep", "modify", "delete", "rename", "chmod", "binary", "symlink", "empty")

/** A working tree: each tricky name committed (or not), then changed one way; some new files besides. */
const workingTree = fc.record({
  changes: fc.array(fc.tuple(fc.boolean(), change), { minLength: trickyNames.length, maxLength: trickyNames.length }),
  lines: fc.integer({ min: 1, max: 12 })
})

const diffFlags = [
  "-c", "core.quotePath=true", "-c", "index.sparse=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
  "--src-prefix=a/", "--dst-prefix=b/", "-M", "--ignore-submodules=none"
]

const buildTree = async (dir: string, tree: typeof workingTree extends fc.Arbitrary<infer T> ? T : never) => {
  const body = (n: number) => Array.from({ length: tree.lines }, (_, i) => `line ${i} of ${n}\n`).join("") + headerLikeText
  const committed: Array<[Buffer, string]> = []
  await mkdir(join(dir, "x b"))
  for (const [i, name] of trickyNames.entries()) {
    const [isCommitted, how] = tree.changes[i]!
    const path = Buffer.concat([Buffer.from(`${dir}/`), name])
    if (!isCommitted) {
      await writeFile(path, how === "empty" ? "" : how === "binary" ? Buffer.from([0, 1, 2, i]) : body(i))
      continue
    }
    await writeFile(path, body(i))
    committed.push([path, how])
  }
  return committed
}

const applyChanges = async (committed: ReadonlyArray<[Buffer, string]>) => {
  for (const [i, [path, how]] of committed.entries()) {
    if (how === "modify") await writeFile(path, `changed first line\n${headerLikeText}`)
    if (how === "delete") await unlink(path)
    if (how === "rename") await rename(path, Buffer.concat([path, Buffer.from(" renamed")]))
    if (how === "chmod") await chmod(path, 0o755)
    if (how === "binary") await writeFile(path, Buffer.from([0, 255, 0, i]))
    if (how === "symlink") {
      await unlink(path)
      await symlink("plain.txt", path)
    }
    if (how === "empty") await writeFile(path, "")
  }
}

describe("GitLive.workspacePatch: git's own file list and patch bytes", () => {
  it.live("the files and numbers of `git diff --raw --numstat`, the bytes of `git diff --binary`, for any names and changes", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(workingTree, async (tree) => {
          const repo = await makeRepo()
          const scratchDir = await mkdtemp(join(repo.base, "scratch-"))
          try {
            const committed = await buildTree(repo.dir, tree)
            await repo.git("add", "--all")
            await repo.git("commit", "--quiet", "--no-verify", "--allow-empty", "-m", "initial")
            await applyChanges(committed)
            const patchFile = join(scratchDir, "workspace.patch")
            const patch = await Effect.runPromise(
              Effect.gen(function*() {
                const git = yield* Git
                const repoState = yield* git.repoState(repo.dir)
                return yield* git.workspacePatch(
                  { repo: repoState, includeUntracked: true, exclude: [".handover"], scratchDir, patchFile },
                  keepChunks
                )
              }).pipe(Effect.provide(TestGit))
            )
            // The temporary index the capture left in its scratch directory, read again by git on its own.
            const env = { ...repo.env, GIT_INDEX_FILE: join(scratchDir, "index") }
            const summary = await gitBytes(repo.dir, env, [...diffFlags, "--raw", "--numstat", "--no-abbrev", "-z", patch.base])
            const bytes = await gitBytes(repo.dir, env, [...diffFlags, "--binary", "--full-index", patch.base])
            expect(patch.files).toEqual(parseDiffSummary(new TextDecoder().decode(summary)).files)
            expect(Buffer.concat(Chunk.toReadonlyArray(patch.observed)).equals(bytes)).toBe(true)
            expect((await readFile(patchFile)).equals(bytes)).toBe(true)
            expect(patch.files.length).toBeGreaterThan(0)
          } finally {
            await repo.cleanup()
            await rm(scratchDir, { recursive: true, force: true })
          }
        }),
        fuzzRuns(12, { shrink: false })
      )
    ), 240_000)
})
