import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type Bundle, corruptNewest } from "../domain/Bundle.js"
import type { HandoverConfig } from "../domain/Config.js"
import { BundleCorrupt } from "../domain/errors.js"
import { bundleStates, futureDated, type LifecycleClock } from "../domain/Lifecycle.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Store } from "../services/Store.js"

/**
 * The store's bundles as they stand now: the readable ones, each with its state (newest first), the entries that
 * cannot be read, and the one of those newer than every readable bundle, which may hide the pending handover. A
 * bundle dated in the future counts as one that cannot be read (see futureDated).
 */
export const readLifecycle = (root: string, config: HandoverConfig) =>
  Effect.gen(function*() {
    const store = yield* Store
    const entries = yield* store.listBundles(root)
    const clock = { nowMillis: yield* Clock.currentTimeMillis, expireAfterHours: config.bundles.expireAfterHours }
    const readable = entries.flatMap((entry) => Either.isRight(entry) ? [entry.right] : [])
    const bundles = readable.filter((bundle) => !futureDated(bundle, clock.nowMillis))
    const corrupt = [
      ...entries.flatMap((entry) => Either.isLeft(entry) ? [entry.left] : []),
      ...readable.filter((bundle) => futureDated(bundle, clock.nowMillis)).map((bundle) =>
        new BundleCorrupt({
          path: `${storeLayout(root).bundle(bundle.id)}/bundle.json`,
          reason: `it says it was captured at ${bundle.createdAt}, in the future`,
          bundleId: bundle.id
        })
      )
    ]
    return lifecycleOf(bundles, corrupt, clock)
  })

const lifecycleOf = (bundles: ReadonlyArray<Bundle>, corrupt: ReadonlyArray<BundleCorrupt>, clock: LifecycleClock) => {
  const unreadableNewest = corruptNewest(bundles, corrupt)
  const states = bundleStates(bundles, clock, unreadableNewest?.bundleId)
  return { bundles, states, corrupt, unreadableNewest, clock }
}

export type Lifecycle = ReturnType<typeof lifecycleOf>

/** The lifecycle read before a capture, once the bundle it has just published is there too: no second read. */
export const withPublished = (lifecycle: Lifecycle, bundle: Bundle): Lifecycle =>
  lifecycleOf([bundle, ...lifecycle.bundles], lifecycle.corrupt, lifecycle.clock)
