import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Bundle } from "../domain/Bundle.js"
import { PatchDoesNotApply, PatchMismatch } from "../domain/errors.js"
import { type ApplyMode, type ApplyPlan, needsThreeWayCheck, patchMismatch, planApply } from "../domain/PatchApply.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { Progress } from "../services/Progress.js"
import { Store } from "../services/Store.js"

/** A plan that writes, or says there is nothing to write; a refusal is an error instead. */
export type ApplyDecision = Exclude<ApplyPlan, { readonly _tag: "Refuse" }>

const patchPath = (root: string, bundle: Bundle) => `${storeLayout(root).bundle(bundle.id)}/workspace.patch`

/**
 * What applying the bundle's patch to this working tree would do, found out without writing anything: the patch must
 * be the one bundle.json describes (size and sha256; a cloned repository may carry another), then git decides.
 * Fails with PatchMismatch, or PatchDoesNotApply naming the conflicting paths.
 */
export const planBundleApply = (root: string, bundle: Bundle, mode: ApplyMode) =>
  Effect.gen(function*() {
    const store = yield* Store
    const git = yield* Git
    const progress = yield* Progress
    const path = patchPath(root, bundle)
    yield* progress.step("verifying the patch")
    const onDisk = Option.getOrUndefined(yield* store.hashPatch(root, bundle.id))
    const mismatch = patchMismatch(bundle, onDisk)
    if (mismatch !== undefined) return yield* new PatchMismatch({ path, reason: mismatch })
    if (onDisk?.bytes === 0) return { _tag: "NothingToApply" } satisfies ApplyDecision
    yield* progress.step("checking the patch applies")
    const [reverse, forward] = yield* Effect.all([
      git.checkApply(root, path, { reverse: true, index: false, threeWay: false }),
      // --3way writes the index too, so it needs what --index needs.
      git.checkApply(root, path, { reverse: false, index: mode.index || mode.threeWay, threeWay: false })
    ], { concurrency: "unbounded" })
    const threeWay = needsThreeWayCheck(mode, { reverse, forward })
      ? yield* git.checkApply(root, path, { reverse: false, index: true, threeWay: true })
      : undefined
    const plan = planApply({ reverse, forward, threeWay })
    if (plan._tag === "Refuse") {
      return yield* new PatchDoesNotApply({ id: bundle.id, paths: plan.paths, detail: plan.detail })
    }
    return plan satisfies ApplyDecision
  })

/** Applies the bundle's patch as planned; returns the files a --3way merge left with conflict markers. */
export const applyBundlePatch = (root: string, bundle: Bundle, mode: ApplyMode) =>
  Effect.gen(function*() {
    yield* (yield* Progress).step("applying the patch")
    return yield* (yield* Git).applyPatch(root, patchPath(root, bundle), mode)
  })
