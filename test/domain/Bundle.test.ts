import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { corruptNewest, decodeBundleJson, encodeBundleJson, makeBundleId, validateBundleId } from "../../src/domain/Bundle.js"
import { makeBundle } from "../helpers/bundles.js"

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

  it.effect("records the next steps carried over; a bundle.json from before they were carried still decodes", () =>
    Effect.sync(() => {
      const carriedOver = { from: "20261125T100000Z-aaaa", title: "Plan", nextSteps: ["Write the tests"] }
      const bundle = makeBundle({ carriedOver })
      expect(decodeBundleJson(encodeBundleJson(bundle))).toEqual(Either.right(bundle))
      const older = makeBundle()
      expect(older).not.toHaveProperty("carriedOver")
      expect(decodeBundleJson(encodeBundleJson(older))).toEqual(Either.right(older))
      const { nextSteps: _steps, ...incomplete } = carriedOver
      expect(Either.isLeft(decodeBundleJson(encodeBundleJson({ ...older, carriedOver: incomplete } as never)))).toBe(true)
    }))

  it.effect("rejects text that is not a bundle", () =>
    Effect.sync(() => {
      expect(Either.isLeft(decodeBundleJson("{"))).toBe(true)
      expect(Either.isLeft(decodeBundleJson(JSON.stringify({ ...makeBundle(), schemaVersion: 2 })))).toBe(true)
      const { patch: _patch, ...withoutPatch } = makeBundle()
      expect(Either.isLeft(decodeBundleJson(JSON.stringify(withoutPatch)))).toBe(true)
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
