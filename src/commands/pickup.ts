import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Bundle } from "../domain/Bundle.js"
import type { HandoverConfig } from "../domain/Config.js"
import { InputInvalid, PatchConflicts } from "../domain/errors.js"
import { appliedLine, type ApplyMode } from "../domain/PatchApply.js"
import { renderSummary } from "../domain/Summary.js"
import { printableLine } from "../domain/Text.js"
import { applyBundlePatch, planBundleApply } from "../workflows/Apply.js"
import { freshnessNotes } from "../workflows/Freshness.js"
import { chosenBundle, claimBundle, type ClaimRequest } from "../workflows/Pickup.js"
import { loadConfig, repoRoot, setOption, targetOption, withProgress } from "./common.js"

const options = {
  id: Args.text({ name: "ID" }).pipe(
    Args.optional,
    Args.withDescription("a bundle id, or current; default: the pending one")
  ),
  target: targetOption,
  apply: Options.boolean("apply").pipe(
    Options.withDescription("apply the bundle's patch to this working tree, only when it fits (else nothing changes)")
  ),
  threeWay: Options.boolean("3way").pipe(
    Options.withDescription("with --apply: merge the patch as git apply --3way does, leaving conflict markers (updates the index)")
  ),
  index: Options.boolean("index").pipe(Options.withDescription("with --apply: update the index too")),
  set: setOption
}

/** Lines for the user on stderr: stdout carries the summary alone. */
const tell = (lines: ReadonlyArray<string>) => Effect.forEach(lines, (line) => Console.error(`handover: ${printableLine(line)}`))

/** Claims the bundle and makes it current, unless --apply names one that is already claimed: it is applied as it is. */
const claimUnlessApplying = (root: string, config: HandoverConfig, request: ClaimRequest, bundle: Bundle) =>
  bundle.claim !== null ? Effect.succeed(bundle) : claimBundle(root, config, { ...request, id: bundle.id })

export const pickupCommand = Command.make("pickup", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    const request = { id: Option.getOrUndefined(args.id), target: Option.getOrUndefined(args.target) }
    if (!args.apply) {
      if (args.threeWay || args.index) {
        return yield* new InputInvalid({ what: "--3way and --index", reason: "they go with --apply; add it" })
      }
      const claimed = yield* claimBundle(root, config, request)
      yield* tell(yield* freshnessNotes(root, claimed))
      return yield* Console.log(renderSummary(claimed))
    }
    const mode: ApplyMode = { index: args.index, threeWay: args.threeWay }
    // Everything is checked before anything is written: a patch that is not the captured one, or that would not
    // apply, leaves the working tree, the index and the store as they were (the bundle stays unclaimed).
    const bundle = yield* chosenBundle(root, config, request)
    const plan = yield* planBundleApply(root, bundle, mode).pipe(withProgress)
    const picked = yield* claimUnlessApplying(root, config, request, bundle)
    // Said before applying: HEAD or the branch having moved is why a merge may be needed.
    yield* tell(yield* freshnessNotes(root, picked))
    const conflicted = plan._tag === "Apply" ? (yield* applyBundlePatch(root, picked, mode).pipe(withProgress)).conflicted : []
    yield* Console.log(renderSummary(picked))
    if (conflicted.length > 0) return yield* new PatchConflicts({ paths: conflicted })
    yield* tell([appliedLine(plan, picked, mode)])
  })).pipe(
    Command.withDescription(
      "claim the pending handover (or ID, or current), make it current and print its summary; --apply applies its patch here"
    )
  )
