import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { chmod, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises"
import { execFile } from "node:child_process"
import { hostname } from "node:os"
import { dirname, join } from "node:path"
import { type Bundle, encodeBundleJson } from "../../src/domain/Bundle.js"
import { storeGitignore, storeLayout, tempFileName } from "../../src/domain/StoreLayout.js"
import { StoreLive } from "../../src/layers/StoreLive.js"
import { Store } from "../../src/services/Store.js"
import { makeBundle } from "../helpers/bundles.js"
import { deadPid, makeScratch, sha256 } from "../helpers/repo.js"

const TestStore = StoreLive.pipe(Layer.provide(NodeFileSystem.layer))

/** A fresh directory standing in for a git top level, removed with the test's scope. */
const tempRoot = Effect.acquireRelease(
  Effect.promise(makeScratch),
  (scratch) => Effect.promise(() => scratch.cleanup())
).pipe(Effect.map((scratch) => join(scratch.base, "root")), Effect.tap((root) => Effect.promise(() => mkdir(root))))

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)
const modeOf = (path: string) => promise(() => stat(path)).pipe(Effect.map((info) => info.mode & 0o777))
const exists = (path: string) => promise(() => stat(path).then(() => true, () => false))

const patchBytes = Buffer.concat([Buffer.from("diff --git a/x b/x\n"), Buffer.from([0, 1, 2, 255]), Buffer.from("\n")])

/** Stages, writes and commits a bundle as a capture does; returns it. */
const writeBundle = (root: string, bundle: Bundle, patch: Uint8Array = patchBytes) =>
  Effect.scoped(
    Effect.gen(function*() {
      const store = yield* Store
      const staged = yield* store.stageBundle(root, bundle.id)
      // git writes the patch into the staging directory itself (GitLive.workspacePatch).
      yield* promise(() => writeFile(staged.patchPath, patch, { flag: "wx", mode: 0o600 }))
      const complete = { ...bundle, patch: { ...bundle.patch, bytes: patch.length, sha256: sha256(patch) } }
      yield* store.publishBundle(root, staged, complete, `# ${bundle.title}\n`)
      return complete
    })
  )

const bundleAt = (iso: string, suffix = "0a0a") => {
  const base = makeBundle({ createdAt: iso })
  return { ...base, id: base.id.replace(/-[0-9a-f]+$/, `-${suffix}`) }
}

describe("StoreLive.ensure", () => {
  it.scopedLive("creates the directories private and a .gitignore that keeps only config.json", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const layout = storeLayout(root)
      yield* (yield* Store).ensure(root)
      for (const dir of [layout.bundles, layout.state]) expect(yield* modeOf(dir)).toBe(0o700)
      expect(yield* promise(() => readFile(layout.gitignore, "utf8"))).toBe(storeGitignore)
      expect(yield* exists(layout.config)).toBe(false)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("running it again keeps an edited .gitignore", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const gitignore = storeLayout(root).gitignore
      yield* promise(() => writeFile(gitignore, "# mine\n*\n"))
      yield* store.ensure(root)
      expect(yield* promise(() => readFile(gitignore, "utf8"))).toBe("# mine\n*\n")
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.writeConfigIfMissing", () => {
  it.scopedLive("writes a config once and never overwrites one", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      expect(yield* store.isInitialised(root)).toBe(false)
      expect(yield* store.writeConfigIfMissing(root, "{\"first\":true}\n")).toBe(true)
      expect(yield* store.isInitialised(root)).toBe(true)
      expect(yield* store.writeConfigIfMissing(root, "{\"second\":true}\n")).toBe(false)
      expect(yield* store.readConfigText(root)).toEqual(Option.some("{\"first\":true}\n"))
      // No temporary files are left beside it.
      expect((yield* promise(() => readdir(storeLayout(root).home))).filter((name) => name.startsWith(".tmp"))).toEqual([])
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.withLock", () => {
  it.scopedLive("serialises concurrent holders and removes the lock afterwards", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const log: Array<string> = []
      const holder = (name: string) =>
        store.withLock(root, name, Effect.gen(function*() {
          log.push(`${name} in`)
          yield* Effect.sleep("30 millis")
          log.push(`${name} out`)
        }))
      yield* Effect.all([holder("a"), holder("b"), holder("c")], { concurrency: "unbounded" })
      expect(log).toHaveLength(6)
      for (let i = 0; i < 6; i += 2) expect(log[i + 1]).toBe(log[i]!.replace("in", "out"))
      expect(yield* exists(storeLayout(root).lock)).toBe(false)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("the lock is released when the effect fails", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const failed = yield* Effect.flip(store.withLock(root, "test", Effect.fail("boom" as const)))
      expect(failed).toBe("boom")
      expect(yield* exists(storeLayout(root).lock)).toBe(false)
      expect(yield* store.withLock(root, "test", Effect.succeed(42))).toBe(42)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("recovers a stale lock left by a process that is gone", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const pid = yield* promise(deadPid)
      const lock = storeLayout(root).lock
      yield* promise(() =>
        writeFile(lock, JSON.stringify({ pid, host: hostname(), purpose: "capture", at: "2026-01-01T00:00:00.000Z" }))
      )
      expect(yield* store.withLock(root, "test", Effect.succeed("ran"))).toBe("ran")
      expect(yield* exists(lock)).toBe(false)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("waits while a live process holds the lock, and runs once it is released", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const lock = storeLayout(root).lock
      // This very process is alive: the lock is not stale.
      yield* promise(() =>
        writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), purpose: "capture", at: new Date().toISOString() }))
      )
      const entered = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(store.withLock(root, "test", Deferred.succeed(entered, undefined)))
      yield* Effect.sleep("200 millis")
      expect(yield* Deferred.isDone(entered)).toBe(false)
      yield* promise(() => rm(lock))
      yield* Fiber.join(fiber)
      expect(yield* Deferred.isDone(entered)).toBe(true)
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive bundles", () => {
  it.scopedLive("stage → write → commit: listed and read back, files private, hash and size right", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const bundle = yield* writeBundle(root, makeBundle())
      expect(bundle.patch.bytes).toBe(patchBytes.length)
      expect(bundle.patch.sha256).toBe(sha256(patchBytes))

      const dir = storeLayout(root).bundle(bundle.id)
      expect((yield* promise(() => readdir(dir))).sort()).toEqual(["bundle.json", "summary.md", "workspace.patch"])
      expect(yield* modeOf(dir)).toBe(0o700)
      for (const name of ["bundle.json", "summary.md", "workspace.patch"]) {
        expect(yield* modeOf(join(dir, name))).toBe(0o600)
      }
      expect(yield* promise(() => readFile(join(dir, "workspace.patch")))).toEqual(patchBytes)
      expect(yield* store.listBundles(root)).toEqual([Either.right(bundle)])
      expect(yield* store.readBundle(root, bundle.id)).toEqual(bundle)
      expect(yield* store.hashPatch(root, bundle.id)).toEqual(
        Option.some({ bytes: patchBytes.length, sha256: sha256(patchBytes) })
      )
      // Nothing of the staging directory is left.
      expect(yield* promise(() => readdir(storeLayout(root).bundles))).toEqual([bundle.id])
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a bundle staged but never committed vanishes with its scope", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      yield* Effect.scoped(
        Effect.gen(function*() {
          const staged = yield* store.stageBundle(root, makeBundle().id)
          yield* promise(() => writeFile(staged.patchPath, patchBytes))
          expect(yield* exists(staged.dir)).toBe(true)
        })
      )
      expect(yield* promise(() => readdir(storeLayout(root).bundles))).toEqual([])
      expect(yield* store.listBundles(root)).toEqual([])
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a leftover .staging-* directory is never listed, and the next holder of the lock removes it", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const leftover = join(storeLayout(root).bundles, `.staging-${makeBundle().id}`)
      yield* promise(async () => {
        await mkdir(leftover)
        // Even a complete-looking bundle.json does not make it a bundle.
        await writeFile(join(leftover, "bundle.json"), encodeBundleJson(makeBundle()))
        await writeFile(join(leftover, "workspace.patch"), "diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+")
      })
      expect(yield* store.listBundles(root)).toEqual([])
      expect(Either.isLeft(yield* Effect.either(store.readBundle(root, makeBundle().id)))).toBe(true)

      const next = bundleAt("2026-11-25T17:00:00.000Z", "1b1b")
      yield* store.withLock(root, "test", writeBundle(root, next))
      expect(yield* promise(() => readdir(storeLayout(root).bundles))).toEqual([next.id])
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("an unknown id is BundleNotFound", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const error = yield* Effect.flip(store.readBundle(root, "20261125T164500Z-dead"))
      expect(error._tag).toBe("BundleNotFound")
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a corrupt bundle.json is BundleCorrupt, named by path and id, in one line", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const good = yield* writeBundle(root, bundleAt("2026-11-25T16:00:00.000Z", "2c2c"))
      const bad = bundleAt("2026-11-25T17:00:00.000Z", "3d3d")
      yield* writeBundle(root, bad)
      const path = join(storeLayout(root).bundle(bad.id), "bundle.json")

      for (const text of ["{ not json", JSON.stringify({ ...bad, patch: undefined }), "[]"]) {
        yield* promise(() => writeFile(path, text))
        const error = yield* Effect.flip(store.readBundle(root, bad.id))
        expect(error._tag).toBe("BundleCorrupt")
        if (error._tag !== "BundleCorrupt") continue
        expect(error.bundleId).toBe(bad.id)
        expect(error.path).toBe(path)
        expect(error.message).toContain(path)
        expect(error.message).not.toContain("\n")
        expect(error.message.length).toBeLessThan(path.length + 200)
      }
      const listed = yield* store.listBundles(root)
      expect(listed.filter(Either.isRight).map((entry) => entry.right.id)).toEqual([good.id])
      expect(listed.filter(Either.isLeft).map((entry) => entry.left.bundleId)).toEqual([bad.id])
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("the patch field is named when it is missing", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const bundle = yield* writeBundle(root, makeBundle())
      const { patch: _patch, ...withoutPatch } = bundle
      yield* promise(() => writeFile(join(storeLayout(root).bundle(bundle.id), "bundle.json"), JSON.stringify(withoutPatch)))
      const error = yield* Effect.flip(store.readBundle(root, bundle.id))
      expect(error.message).toContain("patch")
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("removeBundles deletes whole bundle directories", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const a = yield* writeBundle(root, bundleAt("2026-11-25T16:00:00.000Z", "4e4e"))
      const b = yield* writeBundle(root, bundleAt("2026-11-25T17:00:00.000Z", "5f5f"))
      yield* store.removeBundles(root, [a.id])
      expect(yield* promise(() => readdir(storeLayout(root).bundles))).toEqual([b.id])
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.claim", () => {
  it.scopedLive("of racing claims exactly one wins; the others learn who did", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const bundle = yield* writeBundle(root, makeBundle())
      const results = yield* Effect.all(
        ["claude", "codex", "gemini", "cursor"].map((by) =>
          Effect.either(store.claim(root, bundle, { by, at: "2026-11-25T18:00:00.000Z" }))
        ),
        { concurrency: "unbounded" }
      )
      const winners = results.filter(Either.isRight)
      const losers = results.filter(Either.isLeft)
      expect(winners).toHaveLength(1)
      expect(losers).toHaveLength(3)
      const winner = winners[0]!.right.claim!.by
      for (const loser of losers) {
        expect(loser.left._tag).toBe("AlreadyClaimed")
        if (loser.left._tag === "AlreadyClaimed") expect(loser.left.by).toBe(winner)
      }
      const dir = storeLayout(root).bundle(bundle.id)
      expect(JSON.parse(yield* promise(() => readFile(join(dir, "claim.json"), "utf8")))).toMatchObject({ by: winner })
      expect((yield* store.readBundle(root, bundle.id)).claim).toMatchObject({ by: winner })
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("claim.json alone (a claimer killed before rewriting bundle.json) still marks it claimed", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      const bundle = yield* writeBundle(root, makeBundle())
      const claim = { by: "codex", at: "2026-11-25T18:00:00.000Z" }
      yield* promise(() => writeFile(join(storeLayout(root).bundle(bundle.id), "claim.json"), JSON.stringify(claim)))
      expect((yield* store.readBundle(root, bundle.id)).claim).toEqual(claim)
      const error = yield* Effect.flip(store.claim(root, bundle, { by: "claude", at: "2026-11-25T18:01:00.000Z" }))
      expect(error).toMatchObject({ _tag: "AlreadyClaimed", by: "codex" })
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.promote", () => {
  it.scopedLive("points current at the bundle in one link, with the bundle's summary, patch and bundle.json", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      expect(yield* store.currentId(root)).toEqual(Option.none())
      const first = yield* writeBundle(root, bundleAt("2026-11-25T16:00:00.000Z", "6a6a"), Buffer.from("first\n"))
      yield* store.promote(root, first, "# first\n")
      const second = yield* writeBundle(root, bundleAt("2026-11-25T17:00:00.000Z", "7b7b"))
      yield* store.promote(root, second, "# second\n")

      const current = storeLayout(root).current
      expect(yield* store.currentId(root)).toEqual(Option.some(second.id))
      expect(yield* promise(() => readlink(current))).toBe(`bundles/${second.id}`)
      expect(yield* promise(() => readFile(join(current, "summary.md"), "utf8"))).toBe("# second\n")
      expect(yield* promise(() => readFile(join(current, "workspace.patch")))).toEqual(patchBytes)
      expect(JSON.parse(yield* promise(() => readFile(join(current, "bundle.json"), "utf8")))).toEqual(second)
      for (const name of ["summary.md", "workspace.patch", "bundle.json"]) {
        expect(yield* modeOf(join(current, name))).toBe(0o600)
      }
      expect((yield* promise(() => readdir(current))).sort()).toEqual(["bundle.json", "summary.md", "workspace.patch"])
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.appendEvent", () => {
  it.scopedLive("appends one private line per event and rotates past its bound, keeping one previous file", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const layout = storeLayout(root)
      yield* store.ensure(root)
      yield* store.appendEvent(root, JSON.stringify({ n: 1, text: "two\nlines" }))
      yield* store.appendEvent(root, JSON.stringify({ n: 2 }))
      const lines = (yield* promise(() => readFile(layout.eventLog, "utf8"))).split("\n").filter((line) => line !== "")
      expect(lines.map((line) => JSON.parse(line).n)).toEqual([1, 2])
      expect(yield* modeOf(layout.eventLog)).toBe(0o600)

      // Fill it past the bound: the next event starts a new file, the old one is kept as events.log.1.
      const filler = "x".repeat(1024)
      for (let i = 0; i < 260; i++) yield* store.appendEvent(root, filler)
      yield* store.appendEvent(root, "last")
      const current = yield* promise(() => readFile(layout.eventLog, "utf8"))
      const previous = yield* promise(() => readFile(`${layout.eventLog}.1`, "utf8"))
      expect(current.length + previous.length).toBeLessThan(2 * 256 * 1024 + 4096)
      expect(current.endsWith("last\n")).toBe(true)
      expect(previous.startsWith(`{"n":1`)).toBe(true)
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive.readTail", () => {
  it.scopedLive("reads only the last bytes of a file; none for a missing file or a directory", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const path = join(root, "transcript.jsonl")
      yield* promise(() => writeFile(path, "a".repeat(1000) + "\ntail line\n"))
      expect(yield* store.readTail(path, 10)).toEqual(Option.some("tail line\n"))
      expect(yield* store.readTail(path, 1_000_000)).toEqual(Option.some("a".repeat(1000) + "\ntail line\n"))
      expect(yield* store.readTail(join(root, "missing.jsonl"), 10)).toEqual(Option.none())
      expect(yield* store.readTail(root, 10)).toEqual(Option.none())
    }).pipe(Effect.provide(TestStore)))
})

/** A directory beside the root, standing for everything outside the repository; its mode and files must not change. */
const outsideDir = (root: string) =>
  promise(async () => {
    const dir = join(root, "..", "outside")
    await mkdir(dir, { recursive: true })
    await chmod(dir, 0o1777)
    await writeFile(join(dir, "important"), "keep me\n")
    return dir
  })

const expectUntouched = (dir: string) =>
  Effect.gen(function*() {
    expect(yield* modeOf(dir)).toBe(0o777)
    expect((yield* promise(() => stat(dir))).mode & 0o1000).toBe(0o1000)
    expect(yield* promise(() => readdir(dir))).toEqual(["important"])
    expect(yield* promise(() => readFile(join(dir, "important"), "utf8"))).toBe("keep me\n")
  })

/** A fresh store, and the canary directory beside its root. */
const storeBesideCanary = Effect.gen(function*() {
  const root = yield* tempRoot
  const store = yield* Store
  const outside = yield* outsideDir(root)
  yield* store.ensure(root)
  return { root, store, outside, layout: storeLayout(root) }
})

describe("StoreLive on a store that came with a hostile repository", () => {
  it.scopedLive("a bundle.json whose id is not its directory's name is corrupt, and its id is never used as a path", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const outside = yield* outsideDir(root)
      yield* store.ensure(root)
      const good = yield* writeBundle(root, bundleAt("2026-11-25T16:00:00.000Z", "2c2c"))
      const evilDir = storeLayout(root).bundle("20261125T170000Z-e0e0")
      yield* promise(async () => {
        await mkdir(evilDir)
        await writeFile(join(evilDir, "bundle.json"), encodeBundleJson({ ...makeBundle(), id: "../../../outside" }))
      })
      const listed = yield* store.listBundles(root)
      expect(listed.filter(Either.isRight).map((entry) => entry.right.id)).toEqual([good.id])
      const corrupt = listed.filter(Either.isLeft).map((entry) => entry.left)
      expect(corrupt).toHaveLength(1)
      expect(corrupt[0]!.message).toContain("is not its directory's name")
      expect((yield* Effect.flip(store.readBundle(root, "20261125T170000Z-e0e0")))._tag).toBe("BundleCorrupt")
      // Ids that are not bundle ids are refused before any path is made of them.
      for (const id of ["../../outside", "../outside", ".staging-x", ""]) {
        expect((yield* Effect.flip(store.removeBundles(root, [id])))._tag).toBe("StoreUnsafe")
      }
      yield* expectUntouched(outside)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a symlinked .handover, bundles or state is refused before anything is written or chmod'ed", () =>
    Effect.gen(function*() {
      for (const linked of [".handover", ".handover/bundles", ".handover/state"]) {
        const root = yield* tempRoot
        const store = yield* Store
        const outside = yield* outsideDir(root)
        yield* promise(async () => {
          await mkdir(dirname(join(root, linked)), { recursive: true })
          await symlink(outside, join(root, linked))
        })
        const error = yield* Effect.flip(store.ensure(root))
        expect(error._tag).toBe("StoreUnsafe")
        expect(error.message).toContain(join(root, linked))
        expect((yield* Effect.flip(store.withLock(root, "test", Effect.void)))._tag).toBe("StoreUnsafe")
        if (linked !== ".handover/bundles") {
          expect((yield* Effect.flip(store.appendEvent(root, "line")))._tag).toBe("StoreUnsafe")
        }
        yield* expectUntouched(outside)
      }
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("events.log, trigger.json or config.json as a symlink is refused, never appended to or read", () =>
    Effect.gen(function*() {
      const { layout, outside, root, store } = yield* storeBesideCanary
      const target = join(outside, "important")
      yield* promise(async () => {
        await symlink(target, layout.eventLog)
        await symlink(target, join(layout.state, "trigger.json"))
        await symlink(target, layout.config)
      })
      expect((yield* Effect.flip(store.appendEvent(root, "$(touch pwned)")))._tag).toBe("StoreUnsafe")
      expect((yield* Effect.flip(store.readState(root, "trigger.json")))._tag).toBe("StoreUnsafe")
      expect((yield* Effect.flip(store.readConfigText(root)))._tag).toBe("StoreUnsafe")
      // Replacing a file renames over the link itself: the link goes, its target stays.
      yield* store.writeState(root, "trigger.json", "{}\n")
      expect(yield* store.readState(root, "trigger.json")).toEqual(Option.some("{}\n"))
      yield* expectUntouched(outside)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a current link to elsewhere is refused on read and replaced, not followed, on promote", () =>
    Effect.gen(function*() {
      const { layout, outside, root, store } = yield* storeBesideCanary
      yield* promise(() => symlink(outside, layout.current))
      expect((yield* Effect.flip(store.currentId(root)))._tag).toBe("StoreUnsafe")
      const bundle = yield* writeBundle(root, makeBundle())
      expect(yield* promise(() => readlink(layout.current))).toBe(`bundles/${bundle.id}`)
      yield* expectUntouched(outside)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("oversized and special files are refused, not read: a FIFO bundle.json does not hang the listing", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const layout = storeLayout(root)
      yield* store.ensure(root)
      const dir = layout.bundle("20261125T170000Z-f1f0")
      yield* promise(async () => {
        await mkdir(dir)
        await new Promise<void>((resolve, reject) =>
          execFile("mkfifo", [join(dir, "bundle.json")], (error) => (error ? reject(error) : resolve())))
        await writeFile(layout.config, Buffer.alloc(2 * 1024 * 1024, 0x20))
      })
      const listed = yield* store.listBundles(root)
      expect(listed.map((entry) => Either.isLeft(entry) && entry.left.message)).toEqual([
        expect.stringContaining("named pipe, not a regular file")
      ])
      const error = yield* Effect.flip(store.readConfigText(root))
      expect(error.message).toContain("over the 1048576 bytes")
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a lock that is a symlink is not handover's: it is moved aside, its target untouched", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const outside = yield* outsideDir(root)
      yield* store.ensure(root)
      yield* promise(() => symlink(join(outside, "important"), storeLayout(root).lock))
      expect(yield* store.withLock(root, "test", Effect.succeed("ran"))).toBe("ran")
      expect(yield* exists(storeLayout(root).lock)).toBe(false)
      yield* expectUntouched(outside)
    }).pipe(Effect.provide(TestStore)))

  it.scopedLive("a lock dated in the future is stale, not held for ever", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      yield* store.ensure(root)
      yield* promise(() =>
        writeFile(storeLayout(root).lock, JSON.stringify({ pid: 1, host: "elsewhere", purpose: "capture", at: "2999-01-01T00:00:00.000Z" }))
      )
      expect(yield* store.withLock(root, "test", Effect.succeed("ran"))).toBe("ran")
    }).pipe(Effect.provide(TestStore)))
})

describe("StoreLive sweeps what killed processes left", () => {
  it.scopedLive("temporary files of a dead writer go once the lock is taken; a live writer's stay", () =>
    Effect.gen(function*() {
      const root = yield* tempRoot
      const store = yield* Store
      const layout = storeLayout(root)
      yield* store.ensure(root)
      const bundle = yield* writeBundle(root, makeBundle())
      const dead = yield* promise(deadPid)
      const deadFiles = [
        join(layout.home, tempFileName(dead, "a1", "current")),
        join(layout.state, tempFileName(dead, "b2", "trigger.json")),
        join(layout.bundle(bundle.id), tempFileName(dead, "c3", "bundle.json"))
      ]
      const liveFile = join(layout.state, tempFileName(process.pid, "d4", "lock"))
      yield* promise(async () => {
        for (const path of [...deadFiles, liveFile]) await writeFile(path, "partial")
        await mkdir(join(layout.bundles, `.staging-${bundle.id}-scratch`))
      })
      yield* store.withLock(root, "test", Effect.void)
      for (const path of deadFiles) expect(yield* exists(path)).toBe(false)
      expect(yield* exists(liveFile)).toBe(true)
      expect(yield* promise(() => readdir(layout.bundles))).toEqual([bundle.id])
    }).pipe(Effect.provide(TestStore)))
})
