import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { type Bundle, makeBundleId, type Trigger } from "../../src/domain/Bundle.js"
import {
  bundlesToPrune,
  bundleStates,
  type BundleStatus,
  carriedTarget,
  carryOver,
  describeAge,
  futureDated,
  findPending,
  type PendingVerdict,
  withCarriedSteps
} from "../../src/domain/Lifecycle.js"
import { makeBundle, thresholdTrigger } from "../helpers/bundles.js"

// Bundle states are derived from the bundles, their claims and the clock; the clock here is Effect's TestClock.

const hour = 3_600_000
const start = Date.parse("2026-11-25T18:00:00Z")
const at = (iso: string, overrides: Partial<Bundle> = {}) => makeBundle({ createdAt: iso, id: makeBundleId(iso, "aaaa"), ...overrides })
const claimedBy = (by: string, iso: string) => ({ claim: { by, at: iso } })

/** The lifecycle as of the test clock's now, with the default 72 h expiry unless given. */
const statesNow = (bundles: ReadonlyArray<Bundle>, expireAfterHours = 72, unreadableNewer?: string) =>
  Effect.map(Clock.currentTimeMillis, (nowMillis) => bundleStates(bundles, { nowMillis, expireAfterHours }, unreadableNewer))
const pendingNow = (bundles: ReadonlyArray<Bundle>, target?: string, expireAfterHours = 72) =>
  Effect.map(Clock.currentTimeMillis, (nowMillis) => findPending(bundles, { nowMillis, expireAfterHours, target }))

const summary = (states: ReadonlyArray<BundleStatus>) => states.map(({ bundle, reason, state }) => ({ id: bundle.id, state, reason }))
const pendingId = (verdict: PendingVerdict) => (verdict._tag === "Pending" ? verdict.bundle.id : null)
const noneReason = (verdict: PendingVerdict) => (verdict._tag === "None" ? verdict.reason : null)

describe("bundleStates", () => {
  it.effect("every bundle has exactly one state with its reason, newest first", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const oldest = at("2026-11-25T14:00:00.000Z")
      const claimed = at("2026-11-25T15:00:00.000Z", claimedBy("codex", "2026-11-25T15:30:00.000Z"))
      const middle = at("2026-11-25T16:00:00.000Z")
      const newest = at("2026-11-25T17:00:00.000Z")
      expect(summary(yield* statesNow([middle, oldest, newest, claimed]))).toEqual([
        {
          id: newest.id,
          state: "pending",
          reason: "the newest capture, unclaimed, captured 1 h ago; expires after 72 h"
        },
        { id: middle.id, state: "superseded", reason: `superseded by ${newest.id}, captured 2026-11-25T17:00:00.000Z` },
        { id: claimed.id, state: "claimed", reason: "claimed by codex at 2026-11-25T15:30:00.000Z" },
        { id: oldest.id, state: "superseded", reason: `superseded by ${claimed.id}, captured 2026-11-25T15:00:00.000Z` }
      ])
    }))

  it.effect("the newest bundle turns from pending to expired once the clock passes bundles.expireAfterHours", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const bundle = at("2026-11-25T18:00:00.000Z")
      yield* TestClock.adjust(72 * hour)
      expect((yield* statesNow([bundle]))[0]).toMatchObject({ state: "pending" })
      yield* TestClock.adjust(1)
      expect((yield* statesNow([bundle]))[0]).toMatchObject({
        state: "expired",
        reason: "captured 72 h ago, past bundles.expireAfterHours (72 h)"
      })
      yield* TestClock.adjust(8 * hour)
      expect((yield* statesNow([bundle]))[0]!.reason).toBe("captured 80 h ago, past bundles.expireAfterHours (72 h)")
      // A shorter expiry in the config applies at once.
      yield* TestClock.setTime(start + 10 * hour + 5 * 60_000)
      expect((yield* statesNow([bundle], 11))[0]!.state).toBe("pending")
      expect((yield* statesNow([bundle], 9))[0]!.reason).toBe("captured 10 h 5 min ago, past bundles.expireAfterHours (9 h)")
    }))

  it.effect("a claim outranks everything: an old claimed bundle is claimed, not superseded or expired", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start + 200 * hour)
      const claimed = at("2026-11-25T17:00:00.000Z", claimedBy("gemini", "2026-11-25T17:05:00.000Z"))
      const newer = at("2026-11-25T17:30:00.000Z", claimedBy("codex", "2026-11-25T17:35:00.000Z"))
      expect(summary(yield* statesNow([claimed, newer])).map((entry) => entry.state)).toEqual(["claimed", "claimed"])
    }))

  it.effect("an older unclaimed bundle is superseded, never expired, and at most one bundle is pending", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start + 500 * hour)
      const bundles = [1, 2, 3, 4].map((n) => at(`2026-11-25T1${n}:00:00.000Z`))
      const states = yield* statesNow(bundles)
      expect(states.map((entry) => entry.state)).toEqual(["expired", "superseded", "superseded", "superseded"])
      yield* TestClock.setTime(start)
      expect((yield* statesNow(bundles)).filter((entry) => entry.state === "pending")).toHaveLength(1)
    }))

  it.effect("ties on createdAt are broken by id", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const iso = "2026-11-25T17:00:00.000Z"
      const a = makeBundle({ createdAt: iso, id: makeBundleId(iso, "aaaa") })
      const b = makeBundle({ createdAt: iso, id: makeBundleId(iso, "bbbb") })
      expect((yield* statesNow([a, b])).map((entry) => [entry.bundle.id, entry.state])).toEqual([
        [b.id, "pending"],
        [a.id, "superseded"]
      ])
    }))

  it.effect("a newer bundle whose bundle.json cannot be read supersedes the newest readable one", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const bundle = at("2026-11-25T17:00:00.000Z")
      expect((yield* statesNow([bundle], 72, "20261125T173000Z-ffff"))[0]).toMatchObject({
        state: "superseded",
        reason: "superseded by 20261125T173000Z-ffff, whose bundle.json cannot be read"
      })
    }))

  it.effect("a capture time that is not a time is never pending", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const bundle = makeBundle({ createdAt: "yesterday-ish" })
      expect((yield* statesNow([bundle]))[0]).toMatchObject({ state: "expired" })
      expect((yield* pendingNow([bundle]))._tag).toBe("None")
    }))

  it.effect("ages read to the minute", () =>
    Effect.sync(() => {
      expect(describeAge(0)).toBe("less than 1 min")
      expect(describeAge(59_999)).toBe("less than 1 min")
      expect(describeAge(12 * 60_000)).toBe("12 min")
      expect(describeAge(hour)).toBe("1 h")
      expect(describeAge(9 * hour + 5 * 60_000 + 30_000)).toBe("9 h 5 min")
      expect(describeAge(-hour)).toBe("less than 1 min")
    }))
})

describe("findPending", () => {
  it.effect("nothing captured → none", () =>
    Effect.gen(function*() {
      expect(noneReason(yield* pendingNow([]))).toBe("no bundles captured yet")
    }))

  it.effect("the newest bundle is pending; older unclaimed ones are superseded", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const older = at("2026-11-25T16:00:00.000Z")
      const newest = at("2026-11-25T17:00:00.000Z")
      const middle = at("2026-11-25T16:30:00.000Z")
      expect(pendingId(yield* pendingNow([older, newest, middle]))).toBe(newest.id)
    }))

  it.effect("a claimed newest bundle means nothing is pending, even when an older one is unclaimed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const older = at("2026-11-25T16:00:00.000Z")
      const newest = at("2026-11-25T17:00:00.000Z", claimedBy("codex", "2026-11-25T17:30:00.000Z"))
      expect(noneReason(yield* pendingNow([older, newest]))).toBe(
        `the newest bundle ${newest.id} was claimed by codex at 2026-11-25T17:30:00.000Z`
      )
    }))

  it.effect("an expired newest bundle is not offered, and says how old it is", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const bundle = at("2026-11-25T17:00:00.000Z")
      expect(pendingId(yield* pendingNow([bundle]))).toBe(bundle.id)
      yield* TestClock.adjust(79 * hour)
      expect(noneReason(yield* pendingNow([bundle]))).toBe(
        `the newest bundle ${bundle.id} has expired: captured 80 h ago, past bundles.expireAfterHours (72 h)`
      )
    }))

  it.effect("a bundle meant for another tool is not offered to that target; without a target it is", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const forCodex = makeBundle({ createdAt: "2026-11-25T17:00:00.000Z", target: { tool: "codex" } })
      expect(pendingId(yield* pendingNow([forCodex], "codex"))).toBe(forCodex.id)
      expect(pendingId(yield* pendingNow([forCodex]))).toBe(forCodex.id)
      expect(noneReason(yield* pendingNow([forCodex], "gemini"))).toBe(`the newest bundle ${forCodex.id} is meant for codex`)
      const forAnyone = makeBundle({ createdAt: "2026-11-25T17:00:00.000Z" })
      expect(pendingId(yield* pendingNow([forAnyone], "gemini"))).toBe(forAnyone.id)
    }))
})

describe("bundlesToPrune", () => {
  const five = [1, 2, 3, 4, 5].map((n) => at(`2026-11-25T1${n}:00:00.000Z`))
  const ids = five.map((bundle) => bundle.id)

  it.effect("removes the oldest until `keep` remain; nothing while there are no more than `keep`", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const states = yield* statesNow(five)
      expect(bundlesToPrune(states, 2, ids[4]!)).toEqual(ids.slice(0, 3))
      expect(bundlesToPrune(states, 5, ids[4]!)).toEqual([])
      expect(bundlesToPrune(states, 10, null)).toEqual([])
    }))

  it.effect("never removes the current bundle, even when it is the oldest: the next oldest go instead", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      expect(bundlesToPrune(yield* statesNow(five), 2, ids[0]!)).toEqual(ids.slice(1, 4))
    }))

  it.effect("never removes the pending bundle, even when it is not current", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      // The newest (pending) one is not current: a pickup promoted an older claimed bundle.
      const bundles = five.map((bundle, index) =>
        index === 1 ? { ...bundle, ...claimedBy("codex", "2026-11-25T17:00:00.000Z") } : bundle
      )
      const states = yield* statesNow(bundles)
      expect(states[0]!.state).toBe("pending")
      expect(bundlesToPrune(states, 1, ids[1]!)).toEqual([ids[0]!, ids[2]!, ids[3]!])
    }))

  it.effect("current and pending stay even when they alone are more than `keep`", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      expect(bundlesToPrune(yield* statesNow(five), 1, ids[0]!)).toEqual(ids.slice(1, 4))
    }))

  it.effect("claimed, superseded and expired bundles are all prunable, oldest first", () =>
    Effect.gen(function*() {
      const bundles = [
        at("2026-11-25T11:00:00.000Z", claimedBy("codex", "2026-11-25T11:30:00.000Z")),
        at("2026-11-25T12:00:00.000Z"),
        at("2026-11-25T13:00:00.000Z")
      ]
      yield* TestClock.setTime(start + 100 * hour)
      const states = yield* statesNow(bundles)
      expect(states.map((entry) => entry.state)).toEqual(["expired", "superseded", "claimed"])
      // The expired newest is not pending, so it may go too, after the older ones; nothing is current here.
      expect(bundlesToPrune(states, 1, null)).toEqual([bundles[0]!.id, bundles[1]!.id])
      expect(bundlesToPrune(states, 1, bundles[0]!.id)).toEqual([bundles[1]!.id, bundles[2]!.id])
    }))
})

describe("carryOver", () => {
  const threshold = thresholdTrigger
  const manualTrigger: Trigger = { kind: "manual" }
  const manual = at("2026-11-25T16:00:00.000Z", { title: "Cart discounts", nextSteps: ["Write the tests", "Ship it"] })
  const fromManual = { from: manual.id, title: "Cart discounts", nextSteps: ["Write the tests", "Ship it"] }

  it.effect("an automatic capture over a pending manual bundle carries all of its next steps", () =>
    Effect.sync(() => {
      expect(carryOver(threshold, manual)).toEqual(fromManual)
    }))

  it.effect("an automatic capture over a pending automatic one carries what that one carried: the chain keeps them", () =>
    Effect.sync(() => {
      const firstAuto = at("2026-11-25T17:00:00.000Z", {
        trigger: threshold,
        nextSteps: withCarriedSteps(["Continue the last request: fix it"], fromManual),
        carriedOver: fromManual
      })
      expect(carryOver(threshold, firstAuto)).toEqual(fromManual)
      const autoWithout = at("2026-11-25T17:00:00.000Z", { trigger: threshold, nextSteps: ["Continue the last request: fix it"] })
      expect(carryOver(threshold, autoWithout)).toBeUndefined()
    }))

  it.effect("a manual capture carries nothing, over a manual or an automatic bundle", () =>
    Effect.sync(() => {
      expect(carryOver(manualTrigger, manual)).toBeUndefined()
      expect(carryOver(manualTrigger, at("2026-11-25T17:00:00.000Z", { trigger: threshold, carriedOver: fromManual })))
        .toBeUndefined()
    }))

  it.effect("a manual bundle without next steps carries nothing", () =>
    Effect.sync(() => {
      expect(carryOver(threshold, { ...manual, nextSteps: [] })).toBeUndefined()
    }))

  it.effect("nothing pending (the newest claimed or expired) → nothing carried", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const pendingOf = (verdict: PendingVerdict) => (verdict._tag === "Pending" ? verdict.bundle : undefined)
      expect(carryOver(threshold, pendingOf(yield* pendingNow([manual])))).toEqual(fromManual)
      const claimed = { ...manual, ...claimedBy("codex", "2026-11-25T16:30:00.000Z") }
      expect(carryOver(threshold, pendingOf(yield* pendingNow([claimed])))).toBeUndefined()
      yield* TestClock.adjust(75 * hour)
      expect(carryOver(threshold, pendingOf(yield* pendingNow([manual])))).toBeUndefined()
    }))

  it.effect("the carried steps join the capture's own next steps, each once", () =>
    Effect.sync(() => {
      expect(withCarriedSteps(["Continue", "Ship it"], fromManual)).toEqual(["Continue", "Ship it", "Write the tests"])
      expect(withCarriedSteps(["Continue"], undefined)).toEqual(["Continue"])
    }))

  it.effect("a capture carrying a person's steps keeps the target that person named, unless it names its own", () =>
    Effect.sync(() => {
      const forCodex = { ...manual, target: { tool: "codex" } }
      const carried = carryOver(threshold, forCodex)
      expect(carriedTarget({}, forCodex, carried)).toEqual({ tool: "codex" })
      expect(carriedTarget({ tool: "gemini" }, forCodex, carried)).toEqual({ tool: "gemini" })
      expect(carriedTarget({}, forCodex, undefined)).toEqual({})
      expect(carriedTarget({}, manual, carryOver(threshold, manual))).toEqual({})
    }))
})

describe("futureDated", () => {
  it.effect("a capture time more than an hour ahead of the clock is not clock skew", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const nowMillis = yield* Clock.currentTimeMillis
      expect(futureDated(at("2026-11-25T18:59:00.000Z"), nowMillis)).toBe(false)
      expect(futureDated(at("2026-11-25T19:00:01.000Z"), nowMillis)).toBe(true)
      expect(futureDated(at("2999-01-01T00:00:00.000Z"), nowMillis)).toBe(true)
      expect(futureDated(at("2026-11-25T17:00:00.000Z"), nowMillis)).toBe(false)
    }))
})

