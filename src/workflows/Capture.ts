import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import { type Bundle, bundleSchemaVersion, makeBundleId, type SecretFinding, type Trigger } from "../domain/Bundle.js"
import type { HandoverConfig } from "../domain/Config.js"
import { PatchTooLarge, SecretsBlocked } from "../domain/errors.js"
import { bundlesToPrune, carriedTarget, carryOver, withCarriedSteps } from "../domain/Lifecycle.js"
import { makePatchScanner, scanPaths } from "../domain/Secrets.js"
import { storeDirName } from "../domain/StoreLayout.js"
import { submoduleNotes } from "../domain/Submodules.js"
import { renderSummary } from "../domain/Summary.js"
import { printableLine } from "../domain/Text.js"
import { Git } from "../services/Git.js"
import { Progress } from "../services/Progress.js"
import { Store } from "../services/Store.js"
import { readLifecycle, withPublished } from "./Lifecycle.js"
import { pendingIn } from "./Pickup.js"

export interface CaptureRequest {
  readonly title: string
  readonly summary: string
  readonly nextSteps: ReadonlyArray<string>
  readonly trigger: Trigger
  readonly source: Bundle["source"]
  readonly target: Bundle["target"]
}

const randomSuffix = Effect.map(
  Effect.all(Array.from({ length: 4 }, () => Random.nextIntBetween(0, 16))),
  (digits) => digits.map((digit) => digit.toString(16)).join("")
)

/**
 * Writes one bundle and makes it current, carrying next steps over from the pending bundle it supersedes (see
 * carryOver). The caller holds the store lock. The bundle is assembled in a staging directory and renamed into place,
 * so a capture killed halfway leaves nothing that reads as a bundle.
 */
export const captureBundle = (root: string, config: HandoverConfig, request: CaptureRequest) =>
  Effect.scoped(
    Effect.gen(function*() {
      const git = yield* Git
      const store = yield* Store
      const progress = yield* Progress
      yield* progress.step("reading the working tree")
      const createdAt = new Date(yield* Clock.currentTimeMillis).toISOString()
      const id = makeBundleId(createdAt, yield* randomSuffix)
      const [repo, staged] = yield* Effect.all([git.repoState(root), store.stageBundle(root, id)], { concurrency: 2 })
      // The apply check's index needs only HEAD: it is read while git writes the patch (and stopped, before the
      // staging directory goes, if the capture fails).
      const applyCheck = yield* Effect.forkScoped(git.prepareApplyCheck(root, repo.head, staged.scratchDir))
      // The store's bundles are read while git works too: under the caller's lock only claims can change meanwhile.
      const lifecycleRead = yield* Effect.forkScoped(readLifecycle(root, config))
      const scanner = config.capture.secrets === "off" ? undefined : makePatchScanner()
      const limit = config.capture.maxPatchBytes
      let streamed = 0
      const patch = yield* git.workspacePatch({
        repo,
        includeUntracked: config.capture.includeUntracked,
        exclude: [storeDirName],
        scratchDir: staged.scratchDir,
        patchFile: staged.patchPath
      }, (stream) =>
        Stream.runForEach(stream, (chunk) => {
          streamed += chunk.length
          if (streamed > limit) return Effect.fail(new PatchTooLarge({ limit }))
          scanner?.push(chunk)
          return progress.patchWritten(chunk)
        }))
      const written = patch.written
      yield* progress.step("checking the patch applies")
      const patchApplies = yield* Fiber.join(applyCheck)
      const check = written.bytes === 0 ? { applies: true, detail: "" } : yield* patchApplies(staged.patchPath)

      const findings: ReadonlyArray<SecretFinding> = scanner === undefined
        ? []
        : [...scanPaths(patch.files), ...scanner.finish()]
      if (config.capture.secrets === "block" && findings.length > 0) {
        const first = findings[0]!
        return yield* new SecretsBlocked({
          count: findings.length,
          first: `${first.kind} in ${first.path}${first.line === null ? "" : `:${first.line}`}`
        })
      }

      // The bundle this capture supersedes, read under the caller's lock; a corrupt newest one hides it.
      const lifecycle = yield* Fiber.join(lifecycleRead)
      const superseded = yield* pendingIn(lifecycle, {}).pipe(
        Effect.map((pending): Bundle | undefined => pending),
        Effect.catchTags({ NothingPending: () => Effect.succeed(undefined), BundleCorrupt: () => Effect.succeed(undefined) })
      )
      const carriedOver = carryOver(request.trigger, superseded)
      const bundle: Bundle = {
        schemaVersion: bundleSchemaVersion,
        id,
        createdAt,
        title: request.title,
        summary: request.summary,
        nextSteps: withCarriedSteps(request.nextSteps, carriedOver),
        ...(carriedOver === undefined ? {} : { carriedOver }),
        trigger: request.trigger,
        source: request.source,
        target: carriedTarget(request.target, superseded, carriedOver),
        repo: {
          root,
          branch: repo.branch,
          head: repo.head,
          ...(repo.upstream !== null ? { upstream: repo.upstream } : {})
        },
        patch: {
          file: "workspace.patch",
          bytes: written.bytes,
          sha256: written.sha256,
          base: patch.base,
          files: patch.files,
          includesUntracked: config.capture.includeUntracked,
          applies: check.applies,
          submodules: patch.submodules
        },
        secrets: { mode: config.capture.secrets, findings },
        claim: null
      }
      yield* store.publishBundle(root, staged, bundle, renderSummary(bundle))

      // The capture has landed; pruning older bundles is housekeeping that the next capture retries if it fails.
      const pruned = yield* Effect.either(
        store.removeBundles(root, bundlesToPrune(withPublished(lifecycle, bundle).states, config.bundles.keep, id))
      )
      const pruneProblem = pruned._tag === "Left" ? `could not prune old bundles: ${pruned.left.message}` : null
      return { bundle, applyDetail: check.detail, pruneProblem }
    })
  )

/** Warnings a capture prints on stderr, one escaped line each (file names may hold anything); the bundle records them too (all but the pruning problem). */
export const captureWarnings = (
  bundle: Bundle,
  applyDetail: string,
  pruneProblem: string | null
): ReadonlyArray<string> => [
  ...(pruneProblem === null ? [] : [`warning: ${pruneProblem}`]),
  ...(bundle.patch.applies ? [] : [`warning: the patch does not apply cleanly to HEAD (${applyDetail})`]),
  ...bundle.secrets.findings.slice(0, 10).map((finding) =>
    `warning: possible ${finding.kind} in ${finding.path}${finding.line === null ? "" : `:${finding.line}`}`
  ),
  ...(bundle.secrets.findings.length > 10 ? [`warning: … ${bundle.secrets.findings.length - 10} more possible secrets`] : []),
  ...(bundle.patch.submodules ?? []).flatMap(submoduleNotes).map((note) => `warning: ${note}`)
].map(printableLine)
