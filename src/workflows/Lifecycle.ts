import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { corruptNewest } from "../domain/Bundle.js"
import type { HandoverConfig } from "../domain/Config.js"
import { bundleStates } from "../domain/Lifecycle.js"
import { Store } from "../services/Store.js"

/**
 * The store's bundles as they stand now: the readable ones, each with its state (newest first), the entries that
 * cannot be read, and the one of those newer than every readable bundle, which may hide the pending handover.
 */
export const readLifecycle = (root: string, config: HandoverConfig) =>
  Effect.gen(function*() {
    const store = yield* Store
    const entries = yield* store.listBundles(root)
    const bundles = entries.flatMap((entry) => Either.isRight(entry) ? [entry.right] : [])
    const corrupt = entries.flatMap((entry) => Either.isLeft(entry) ? [entry.left] : [])
    const unreadableNewest = corruptNewest(bundles, corrupt)
    const clock = { nowMillis: yield* Clock.currentTimeMillis, expireAfterHours: config.bundles.expireAfterHours }
    const states = bundleStates(bundles, clock, unreadableNewest?.bundleId)
    return { bundles, states, corrupt, unreadableNewest, clock }
  })
