import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { createHash } from "node:crypto"
import type { PatchFile } from "../../src/domain/Bundle.js"
import { defaultConfig, type HandoverConfig } from "../../src/domain/Config.js"
import { storeLayout } from "../../src/domain/StoreLayout.js"
import { GitMemory } from "../../src/layers/GitMemory.js"
import { makeMemoryFileSystem } from "../../src/layers/MemoryFileSystem.js"
import { StoreLive } from "../../src/layers/StoreLive.js"
import { StoreMemory } from "../../src/layers/StoreMemory.js"
import { Store } from "../../src/services/Store.js"
import { captureBundle, type CaptureRequest, captureWarnings } from "../../src/workflows/Capture.js"
import { readLifecycle } from "../../src/workflows/Lifecycle.js"
import { claimBundle, pendingBundle } from "../../src/workflows/Pickup.js"
import { thresholdTrigger } from "../helpers/bundles.js"

// Workflows on in-memory layers: a repository described in memory and the real store logic on an in-memory disk.

const root = "/work/shop"
const patch = [
  "diff --git a/src/cart.ts b/src/cart.ts",
  "index 1111111..2222222 100644",
  "--- a/src/cart.ts",
  "+++ b/src/cart.ts",
  "@@ -1 +1,2 @@",
  " export const total = 1",
  "+export const key = \"AKIAABCDEFGHIJKLMNOP\"",
  ""
].join("\n")
const files: ReadonlyArray<PatchFile> = [{ path: "src/cart.ts", status: "modified", binary: false, added: 1, deleted: 0 }]

const dirtySubmodule = {
  path: "vendor/lib",
  recorded: "89abcdef0123456789abcdef0123456789abcdef",
  checkedOut: "89abcdef0123456789abcdef0123456789abcdef",
  commitChanged: false,
  dirty: true
}

const request: CaptureRequest = {
  title: "Cart discounts",
  summary: "total() subtracts the discount",
  nextSteps: ["Run the tests"],
  trigger: { kind: "manual" },
  source: { tool: "claude" },
  target: {}
}

/** Fresh layers per test: the in-memory disk is state. */
const layers = (gitOptions: Partial<Parameters<typeof GitMemory.layer>[0]> = {}) =>
  GitMemory.layer({ root, patch, files, ...gitOptions }).pipe(Layer.provideMerge(StoreMemory))

const withConfig = (patchConfig: Partial<HandoverConfig["capture"]>, bundles?: Partial<HandoverConfig["bundles"]>) => ({
  ...defaultConfig,
  capture: { ...defaultConfig.capture, ...patchConfig },
  bundles: { ...defaultConfig.bundles, ...bundles }
})

const capture = (config: HandoverConfig = defaultConfig) =>
  Effect.flatMap(Store, (store) => store.withLock(root, "capture", captureBundle(root, config, request)))

const prepare = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeDirectory(root, { recursive: true }))

describe("captureBundle", () => {
  it.effect("writes the patch streamed from git with its size and sha256, and makes the bundle current", () =>
    Effect.gen(function*() {
      yield* prepare
      yield* TestClock.setTime(Date.parse("2026-11-25T16:45:00.123Z"))
      const { bundle } = yield* capture()
      expect(bundle.id).toMatch(/^20261125T164500Z-[0-9a-f]{4}$/)
      expect(bundle.createdAt).toBe("2026-11-25T16:45:00.123Z")
      expect(bundle.patch.bytes).toBe(Buffer.byteLength(patch))
      expect(bundle.patch.sha256).toBe(createHash("sha256").update(patch).digest("hex"))
      expect(bundle.patch.files).toEqual(files)
      expect(bundle.repo).toEqual({ root, branch: "main", head: "0123456789abcdef0123456789abcdef01234567" })

      const fs = yield* FileSystem.FileSystem
      const layout = storeLayout(root)
      expect(yield* fs.readFileString(`${layout.bundle(bundle.id)}/workspace.patch`)).toBe(patch)
      expect(yield* fs.readFileString(`${layout.bundle(bundle.id)}/summary.md`)).toContain("# Handover: Cart discounts")
      // current is one link to the bundle's directory, swapped in one step.
      expect(yield* fs.readLink(layout.current)).toBe(`bundles/${bundle.id}`)
      expect(yield* (yield* Store).currentId(root)).toEqual(expect.objectContaining({ value: bundle.id }))
    }).pipe(Effect.provide(layers())))

  it.effect("records a possible secret in the added lines with its line number, and warns", () =>
    Effect.gen(function*() {
      yield* prepare
      const { bundle } = yield* capture()
      expect(bundle.secrets.findings).toEqual([{ path: "src/cart.ts", line: 2, kind: "AWS access key" }])
    }).pipe(Effect.provide(layers())))

  it.effect("refuses with capture.secrets = block, leaving no bundle behind", () =>
    Effect.gen(function*() {
      yield* prepare
      const error = yield* Effect.flip(capture(withConfig({ secrets: "block" })))
      expect(error._tag).toBe("SecretsBlocked")
      const fs = yield* FileSystem.FileSystem
      expect(yield* fs.readDirectory(storeLayout(root).bundles)).toEqual([])
    }).pipe(Effect.provide(layers())))

  it.effect("refuses a patch over capture.maxPatchBytes, leaving no bundle behind", () =>
    Effect.gen(function*() {
      yield* prepare
      const error = yield* Effect.flip(capture(withConfig({ maxPatchBytes: 50 })))
      expect(error._tag).toBe("PatchTooLarge")
      expect(yield* (yield* Store).listBundles(root)).toEqual([])
    }).pipe(Effect.provide(layers())))

  it.effect("records a patch that does not apply to HEAD", () =>
    Effect.gen(function*() {
      yield* prepare
      const { applyDetail, bundle } = yield* capture()
      expect(bundle.patch.applies).toBe(false)
      expect(applyDetail).toBe("patch does not apply")
    }).pipe(Effect.provide(layers({ applies: false }))))

  it.effect("a capture that fails at its last step (the disk fills) leaves the store as it was", () => {
    // The in-memory disk, with a switch that makes its last step, pointing current at the bundle, fail.
    const disk = makeMemoryFileSystem()
    let full = false
    const fullDisk = Layer.succeed(FileSystem.FileSystem, {
      ...disk,
      symlink: (target, path) =>
        full
          ? Effect.fail(new SystemError({ module: "FileSystem", method: "symlink", reason: "Unknown", description: "ENOSPC: no space left on device", pathOrDescriptor: path }))
          : disk.symlink(target, path)
    })
    const store = StoreLive.pipe(Layer.provideMerge(fullDisk))
    return Effect.gen(function*() {
      yield* prepare
      const { bundle: before } = yield* capture()
      const fs = yield* FileSystem.FileSystem
      const listing = () => fs.readDirectory(storeLayout(root).bundles)
      const bundlesBefore = yield* listing()
      full = true
      yield* TestClock.adjust(1000)
      const error = yield* Effect.flip(capture())
      expect(error.message).toContain("no space left on device")
      expect(yield* listing()).toEqual(bundlesBefore)
      expect(yield* (yield* Store).currentId(root)).toEqual(expect.objectContaining({ value: before.id }))
      expect((yield* pendingBundle(root, defaultConfig, {})).id).toBe(before.id)
    }).pipe(Effect.provide(GitMemory.layer({ root, patch, files }).pipe(Layer.provideMerge(store))))
  })

  it.effect("records the submodules git reports, says so in summary.md, and warns of work left in them", () =>
    Effect.gen(function*() {
      yield* prepare
      const { applyDetail, bundle } = yield* capture()
      expect(bundle.patch.submodules).toEqual([dirtySubmodule])
      const fs = yield* FileSystem.FileSystem
      const summary = yield* fs.readFileString(`${storeLayout(root).bundle(bundle.id)}/summary.md`)
      expect(summary).toContain("## Submodules and nested repositories")
      expect(captureWarnings(bundle, applyDetail, null)).toContain(
        "warning: submodule vendor/lib has uncommitted changes that are NOT in the patch; " +
          "commit them inside the submodule or capture there"
      )
    }).pipe(Effect.provide(layers({ submodules: [dirtySubmodule] }))))

  it.effect("keeps at most bundles.keep bundles, newest first", () =>
    Effect.gen(function*() {
      yield* prepare
      const ids: Array<string> = []
      for (let i = 0; i < 4; i++) {
        yield* TestClock.adjust(1000)
        ids.push((yield* capture(withConfig({}, { keep: 2 }))).bundle.id)
      }
      const kept = (yield* (yield* Store).listBundles(root)).map((entry) => Either.getOrThrow(entry).id).sort()
      expect(kept).toEqual(ids.slice(2).sort())
    }).pipe(Effect.provide(layers())))
})

describe("the bundle lifecycle", () => {
  const threshold: CaptureRequest = {
    ...request,
    title: "claude at 95% of its 5h window",
    nextSteps: ["Continue the last request: fix the cart"],
    trigger: thresholdTrigger
  }
  const captureAs = (what: CaptureRequest) =>
    Effect.flatMap(TestClock.adjust(60_000), () =>
      Effect.flatMap(Store, (store) => store.withLock(root, "capture", captureBundle(root, defaultConfig, what))))
  const manualPlan = { ...request, nextSteps: ["Write the tests", "Ship it"] }

  it.effect("automatic captures carry a pending manual handover's next steps along a chain; a manual capture starts anew", () =>
    Effect.gen(function*() {
      yield* prepare
      yield* TestClock.setTime(Date.parse("2026-11-25T10:00:00Z"))
      const { bundle: manual } = yield* captureAs(manualPlan)
      expect(manual).not.toHaveProperty("carriedOver")

      const { bundle: firstAuto } = yield* captureAs(threshold)
      const fromManual = { from: manual.id, title: "Cart discounts", nextSteps: ["Write the tests", "Ship it"] }
      expect(firstAuto.carriedOver).toEqual(fromManual)
      expect(firstAuto.nextSteps).toEqual(["Continue the last request: fix the cart", "Write the tests", "Ship it"])
      const fs = yield* FileSystem.FileSystem
      const summary = yield* fs.readFileString(`${storeLayout(root).bundle(firstAuto.id)}/summary.md`)
      expect(summary).toContain(
        `1. Continue the last request: fix the cart\n\nNext steps carried over from the manual handover ${manual.id} “Cart discounts”:\n\n` +
          "2. Write the tests\n3. Ship it\n"
      )
      // What is on disk is what was returned.
      expect((yield* (yield* Store).readBundle(root, firstAuto.id)).carriedOver).toEqual(fromManual)

      const { bundle: secondAuto } = yield* captureAs(threshold)
      expect(secondAuto.carriedOver).toEqual(fromManual)
      expect(secondAuto.nextSteps).toEqual(firstAuto.nextSteps)

      const { bundle: newPlan } = yield* captureAs(request)
      expect(newPlan).not.toHaveProperty("carriedOver")
      expect(newPlan.nextSteps).toEqual(["Run the tests"])

      const { bundle: thirdAuto } = yield* captureAs(threshold)
      expect(thirdAuto.carriedOver).toEqual({ from: newPlan.id, title: "Cart discounts", nextSteps: ["Run the tests"] })

      const { states } = yield* readLifecycle(root, defaultConfig)
      expect(states.map(({ bundle, state }) => [bundle.id, state])).toEqual([
        [thirdAuto.id, "pending"],
        [newPlan.id, "superseded"],
        [secondAuto.id, "superseded"],
        [firstAuto.id, "superseded"],
        [manual.id, "superseded"]
      ])
      expect(states[1]!.reason).toBe(`superseded by ${thirdAuto.id}, captured ${thirdAuto.createdAt}`)
    }).pipe(Effect.provide(layers())))

  it.effect("nothing is carried from a manual handover that was claimed, or that expired", () =>
    Effect.gen(function*() {
      yield* prepare
      yield* captureAs(manualPlan)
      yield* claimBundle(root, defaultConfig, { target: "codex" })
      const { bundle: afterClaim } = yield* captureAs(threshold)
      expect(afterClaim).not.toHaveProperty("carriedOver")
      expect(afterClaim.nextSteps).toEqual(threshold.nextSteps)

      yield* captureAs(manualPlan)
      yield* TestClock.adjust(73 * 3_600_000)
      const { bundle: afterExpiry } = yield* captureAs(threshold)
      expect(afterExpiry).not.toHaveProperty("carriedOver")
    }).pipe(Effect.provide(layers())))

  it.effect("pruning to bundles.keep removes claimed and superseded bundles, oldest first, and keeps the pending one", () =>
    Effect.gen(function*() {
      yield* prepare
      const config = withConfig({}, { keep: 2 })
      const captureKept = (what: CaptureRequest) =>
        Effect.flatMap(TestClock.adjust(60_000), () =>
          Effect.flatMap(Store, (store) => store.withLock(root, "capture", captureBundle(root, config, what))))
      const { bundle: first } = yield* captureKept(request)
      const { bundle: second } = yield* captureKept(request)
      yield* claimBundle(root, config, { id: first.id, target: "codex" })
      const { bundle: third } = yield* captureKept(threshold)
      const { states } = yield* readLifecycle(root, config)
      expect(states.map(({ bundle, state }) => [bundle.id, state])).toEqual([[third.id, "pending"], [second.id, "superseded"]])
      // The claimed first bundle went although it had been current until this capture.
      expect(third.carriedOver?.from).toBe(second.id)
    }).pipe(Effect.provide(layers())))
})

describe("pending and claims", () => {
  it.effect("the newest capture supersedes older ones; claiming it leaves nothing pending", () =>
    Effect.gen(function*() {
      yield* prepare
      yield* TestClock.setTime(Date.parse("2026-11-25T10:00:00Z"))
      yield* capture()
      yield* TestClock.adjust(60_000)
      const { bundle: newest } = yield* capture()
      expect((yield* pendingBundle(root, defaultConfig, {})).id).toBe(newest.id)

      const claimed = yield* claimBundle(root, defaultConfig, { target: "codex" })
      expect(claimed.id).toBe(newest.id)
      expect(claimed.claim).toEqual({ by: "codex", at: "2026-11-25T10:01:00.000Z" })
      const none = yield* Effect.flip(pendingBundle(root, defaultConfig, {}))
      expect(none._tag).toBe("NothingPending")
    }).pipe(Effect.provide(layers())))

  it.effect("a claim is exclusive: the second claimer of a named bundle learns who has it", () =>
    Effect.gen(function*() {
      yield* prepare
      const { bundle } = yield* capture()
      yield* claimBundle(root, defaultConfig, { id: bundle.id, target: "codex" })
      const error = yield* Effect.flip(claimBundle(root, defaultConfig, { id: bundle.id, target: "gemini" }))
      expect(error._tag).toBe("AlreadyClaimed")
      expect(error.message).toContain("claimed by codex")
    }).pipe(Effect.provide(layers())))

  it.effect("a bundle meant for codex is not pending for claude, and expires after bundles.expireAfterHours", () =>
    Effect.gen(function*() {
      yield* prepare
      const store = yield* Store
      yield* store.withLock(root, "capture", captureBundle(root, defaultConfig, { ...request, target: { tool: "codex" } }))
      expect((yield* Effect.flip(pendingBundle(root, defaultConfig, { target: "claude" }))).message).toMatch(/meant for codex/)
      expect((yield* pendingBundle(root, defaultConfig, { target: "codex" })).target.tool).toBe("codex")
      yield* TestClock.adjust(73 * 3_600_000)
      expect((yield* Effect.flip(pendingBundle(root, defaultConfig, {}))).message).toMatch(/expireAfterHours/)
    }).pipe(Effect.provide(layers())))

  it.effect("an invalid id is refused before anything is read", () =>
    Effect.gen(function*() {
      yield* prepare
      const error = yield* Effect.flip(claimBundle(root, defaultConfig, { id: "../../etc" }))
      expect(error._tag).toBe("InvalidBundleId")
    }).pipe(Effect.provide(layers())))

  it.effect("a corrupt newest bundle.json is an error, not something to guess past", () =>
    Effect.gen(function*() {
      yield* prepare
      const { bundle } = yield* capture()
      const fs = yield* FileSystem.FileSystem
      yield* fs.writeFileString(`${storeLayout(root).bundle(bundle.id)}/bundle.json`, "{ not json")
      const error = yield* Effect.flip(pendingBundle(root, defaultConfig, {}))
      expect(error._tag).toBe("BundleCorrupt")
      expect(error.message).toContain(`${bundle.id}/bundle.json is corrupt`)
    }).pipe(Effect.provide(layers())))
})
