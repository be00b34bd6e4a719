import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { validateBundleId } from "../domain/Bundle.js"
import type { HandoverConfig } from "../domain/Config.js"
import { AlreadyClaimed, BundleNotFound, NothingPending } from "../domain/errors.js"
import { findPending } from "../domain/Lifecycle.js"
import { renderSummary } from "../domain/Summary.js"
import { Store } from "../services/Store.js"
import { type Lifecycle, readLifecycle } from "./Lifecycle.js"

export interface PendingRequest {
  readonly target?: string | undefined
}

/** The pending bundle, or NothingPending with the reason; a corrupt newest bundle is an error, not a skip. */
export const pendingBundle = (root: string, config: HandoverConfig, request: PendingRequest) =>
  Effect.flatMap(readLifecycle(root, config), (lifecycle) => pendingIn(lifecycle, request))

/** The pending bundle of a lifecycle already read. */
export const pendingIn = ({ bundles, clock, unreadableNewest }: Lifecycle, request: PendingRequest) =>
  Effect.gen(function*() {
    if (unreadableNewest !== undefined) return yield* unreadableNewest
    const verdict = findPending(bundles, { ...clock, target: request.target })
    if (verdict._tag === "None") return yield* new NothingPending({ detail: verdict.reason })
    return verdict.bundle
  })

export interface ClaimRequest extends PendingRequest {
  /** A specific bundle, or "current"; without it, the pending one. */
  readonly id?: string | undefined
}

/** "current" or a validated bundle id → the bundle, read fresh from its own directory. */
export const namedBundle = (root: string, idArg: string) =>
  Effect.gen(function*() {
    const store = yield* Store
    const id = idArg === "current"
      ? yield* Effect.flatMap(store.currentId(root), Option.match({
        onNone: () => Effect.fail(new BundleNotFound({ id: "current" })),
        onSome: Effect.succeed
      }))
      : yield* validateBundleId(idArg)
    return yield* store.readBundle(root, id)
  })

/** The bundle a request names, read and not claimed: the pending one, or the one named by id or "current". */
export const chosenBundle = (root: string, config: HandoverConfig, request: ClaimRequest) =>
  request.id === undefined ? pendingBundle(root, config, request) : namedBundle(root, request.id)

/**
 * Claims a bundle and makes it current. The check is repeated under the lock and claim.json is created exclusively,
 * so of several racing pickups exactly one wins; the others learn who did.
 */
export const claimBundle = (root: string, config: HandoverConfig, request: ClaimRequest) =>
  Effect.gen(function*() {
    const store = yield* Store
    const chosen = chosenBundle(root, config, request)
    // Fail fast, without taking the lock or creating anything, when there is nothing to claim.
    yield* chosen
    return yield* store.withLock(
      root,
      "pickup",
      Effect.gen(function*() {
        const bundle = yield* chosen
        if (bundle.claim !== null) {
          return yield* new AlreadyClaimed({ id: bundle.id, by: bundle.claim.by, at: bundle.claim.at })
        }
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const claimed = yield* store.claim(root, bundle, { by: request.target ?? "unknown", at })
        yield* store.promote(root, claimed, renderSummary(claimed))
        return claimed
      })
    )
  })
