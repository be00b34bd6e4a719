import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import {
  bundlesToPrune,
  corruptNewest,
  decodeBundleJson,
  encodeBundleJson,
  findPending,
  makeBundleId,
  type PendingVerdict,
  validateBundleId
} from "../../src/domain/Bundle.js"
import { makeBundle } from "../helpers/bundles.js"

const hour = 3_600_000
const at = (iso: string) => makeBundle({ createdAt: iso, id: makeBundleId(iso, "aaaa") })

describe("bundle ids", () => {
  it.effect("makeBundleId turns an ISO time and a suffix into a compact UTC id", () =>
    Effect.sync(() => {
      expect(makeBundleId("2026-11-25T16:45:00.123Z", "7f3a")).toBe("20261125T164500Z-7f3a")
      expect(makeBundleId("2026-01-02T03:04:05Z", "0b1c")).toBe("20260102T030405Z-0b1c")
    }))

  it.effect("generated ids are accepted as they are", () =>
    Effect.sync(() => {
      const id = makeBundleId(new Date().toISOString(), "9e0d")
      expect(validateBundleId(id)).toEqual(Either.right(id))
    }))

  it.effect.each([
    { id: "../x" },
    { id: "a/b" },
    { id: ".." },
    { id: "." },
    { id: "" },
    { id: "20261125T164500Z-7f3a/../../etc" },
    { id: "../20261125T164500Z-7f3a" },
    { id: "20261125T164500Z-7F3A" },
    { id: "20261125T164500Z-7f3a\n" },
    { id: "current" }
  ])("rejects $id", ({ id }) =>
    Effect.sync(() => {
      const result = validateBundleId(id)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("InvalidBundleId")
        expect(result.left.message).toContain("invalid bundle id")
      }
    }))
})

describe("bundle.json", () => {
  it.effect("round-trips through its JSON encoding", () =>
    Effect.sync(() => {
      const bundle = makeBundle({ claim: { by: "codex", at: "2026-11-25T17:00:00.000Z" } })
      expect(decodeBundleJson(encodeBundleJson(bundle))).toEqual(Either.right(bundle))
    }))

  it.effect("records submodules; a bundle.json from before they were recorded still decodes", () =>
    Effect.sync(() => {
      const submodules = [{ path: "sub/lib", recorded: "a".repeat(40), checkedOut: "a".repeat(40), commitChanged: false, dirty: true }]
      const bundle = makeBundle({ patch: { submodules } })
      expect(decodeBundleJson(encodeBundleJson(bundle))).toEqual(Either.right(bundle))
      const older = makeBundle()
      expect(older.patch).not.toHaveProperty("submodules")
      expect(decodeBundleJson(encodeBundleJson(older))).toEqual(Either.right(older))
    }))

  it.effect("rejects text that is not a bundle", () =>
    Effect.sync(() => {
      expect(Either.isLeft(decodeBundleJson("{"))).toBe(true)
      expect(Either.isLeft(decodeBundleJson(JSON.stringify({ ...makeBundle(), schemaVersion: 2 })))).toBe(true)
      const { patch: _patch, ...withoutPatch } = makeBundle()
      expect(Either.isLeft(decodeBundleJson(JSON.stringify(withoutPatch)))).toBe(true)
    }))
})

describe("findPending", () => {
  const now = Date.parse("2026-11-25T18:00:00Z")
  const query = { nowMillis: now, expireAfterHours: 72 }
  const pendingId = (verdict: PendingVerdict) => (verdict._tag === "Pending" ? verdict.bundle.id : null)

  it.effect("nothing captured → none", () =>
    Effect.sync(() => expect(findPending([], query)).toMatchObject({ _tag: "None" })))

  it.effect("the newest bundle wins; older unclaimed ones are superseded", () =>
    Effect.sync(() => {
      const older = at("2026-11-25T16:00:00.000Z")
      const newest = at("2026-11-25T17:00:00.000Z")
      const middle = at("2026-11-25T16:30:00.000Z")
      expect(pendingId(findPending([older, newest, middle], query))).toBe(newest.id)
    }))

  it.effect("ties on createdAt are broken by id", () =>
    Effect.sync(() => {
      const iso = "2026-11-25T17:00:00.000Z"
      const a = makeBundle({ createdAt: iso, id: makeBundleId(iso, "aaaa") })
      const b = makeBundle({ createdAt: iso, id: makeBundleId(iso, "bbbb") })
      expect(pendingId(findPending([a, b], query))).toBe(b.id)
      expect(pendingId(findPending([b, a], query))).toBe(b.id)
    }))

  it.effect("a claimed newest bundle means nothing is pending, even when an older one is unclaimed", () =>
    Effect.sync(() => {
      const older = at("2026-11-25T16:00:00.000Z")
      const newest = { ...at("2026-11-25T17:00:00.000Z"), claim: { by: "codex", at: "2026-11-25T17:30:00.000Z" } }
      const verdict = findPending([older, newest], query)
      expect(verdict._tag).toBe("None")
      if (verdict._tag === "None") expect(verdict.reason).toContain("claimed by codex")
    }))

  it.effect("a bundle older than expireAfterHours is not offered", () =>
    Effect.sync(() => {
      const bundle = at("2026-11-25T08:00:00.000Z") // 10 hours before now
      expect(pendingId(findPending([bundle], { nowMillis: now, expireAfterHours: 11 }))).toBe(bundle.id)
      const verdict = findPending([bundle], { nowMillis: now, expireAfterHours: 9 })
      expect(verdict._tag).toBe("None")
      if (verdict._tag === "None") expect(verdict.reason).toContain("expireAfterHours")
      expect(findPending([bundle], { nowMillis: now + 63 * hour, expireAfterHours: 72 })._tag).toBe("None")
    }))

  it.effect("a bundle meant for another tool is not offered to that target; without a target it is", () =>
    Effect.sync(() => {
      const forCodex = makeBundle({ createdAt: "2026-11-25T17:00:00.000Z", target: { tool: "codex" } })
      expect(pendingId(findPending([forCodex], { ...query, target: "codex" }))).toBe(forCodex.id)
      expect(pendingId(findPending([forCodex], query))).toBe(forCodex.id)
      const verdict = findPending([forCodex], { ...query, target: "gemini" })
      expect(verdict._tag).toBe("None")
      if (verdict._tag === "None") expect(verdict.reason).toContain("meant for codex")
      const forAnyone = makeBundle({ createdAt: "2026-11-25T17:00:00.000Z" })
      expect(pendingId(findPending([forAnyone], { ...query, target: "gemini" }))).toBe(forAnyone.id)
    }))
})

describe("corruptNewest", () => {
  const good = at("2026-11-25T16:00:00.000Z")
  it.effect("a corrupt bundle newer than every readable one is reported", () =>
    Effect.sync(() => {
      const corrupt = { bundleId: "20261125T170000Z-ffff" }
      expect(corruptNewest([good], [corrupt])).toBe(corrupt)
      expect(corruptNewest([], [corrupt])).toBe(corrupt)
    }))

  it.effect("older corrupt bundles do not matter", () =>
    Effect.sync(() => {
      expect(corruptNewest([good], [{ bundleId: "20261125T150000Z-ffff" }])).toBeUndefined()
      expect(corruptNewest([good], [])).toBeUndefined()
    }))
})

describe("bundlesToPrune", () => {
  const bundles = [1, 2, 3, 4, 5].map((n) => at(`2026-11-25T1${n}:00:00.000Z`))
  const ids = bundles.map((bundle) => bundle.id)

  it.effect("removes all but the newest `keep`", () =>
    Effect.sync(() => {
      expect([...bundlesToPrune(bundles, 2, ids[4]!)].sort()).toEqual(ids.slice(0, 3))
      expect(bundlesToPrune(bundles, 5, ids[4]!)).toEqual([])
      expect(bundlesToPrune(bundles, 10, null)).toEqual([])
    }))

  it.effect("never removes the current bundle, even when it is old", () =>
    Effect.sync(() => {
      const pruned = bundlesToPrune(bundles, 2, ids[0]!)
      expect(pruned).not.toContain(ids[0])
      expect([...pruned].sort()).toEqual(ids.slice(1, 3))
    }))
})
