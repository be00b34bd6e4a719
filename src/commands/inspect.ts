import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { validateBundleId } from "../domain/Bundle.js"
import { BundleNotFound } from "../domain/errors.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { renderSummary } from "../domain/Summary.js"
import { printableLine } from "../domain/Text.js"
import { Stdio } from "../services/Stdio.js"
import { Store } from "../services/Store.js"
import { readLifecycle } from "../workflows/Lifecycle.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption } from "./common.js"

const options = {
  id: Args.text({ name: "ID" }).pipe(Args.withDefault("current"), Args.withDescription("a bundle id, or current")),
  json: jsonOption,
  patch: Options.boolean("patch").pipe(Options.withDescription("print the raw workspace.patch instead")),
  set: setOption
}

/** "current" or a validated bundle id → the bundle, read fresh from its own directory. */
export const resolveBundle = (root: string, idArg: string) =>
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

export const inspectCommand = Command.make("inspect", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const bundle = yield* resolveBundle(root, args.id)
    const patchPath = `${storeLayout(root).bundle(bundle.id)}/workspace.patch`
    if (args.patch) return yield* (yield* Stdio).writeStdout(store.streamPatch(root, bundle.id))
    const onDisk = yield* store.hashPatch(root, bundle.id)
    const intact = Option.exists(onDisk, (file) => file.sha256 === bundle.patch.sha256 && file.bytes === bundle.patch.bytes)
    const { config } = yield* loadConfig(root, args.set)
    // Read a moment after the bundle: one deleted meanwhile (pruned by a capture) has no state any more.
    const status = (yield* readLifecycle(root, config)).states.find((entry) => entry.bundle.id === bundle.id)
    const lifecycle = { state: status?.state ?? null, reason: status?.reason ?? null }
    if (args.json) return yield* printJson({ ...bundle, patchIntact: intact, ...lifecycle })
    yield* Console.log(renderSummary(bundle))
    if (status !== undefined) yield* Console.log(printableLine(`State: ${status.state} (${status.reason})`))
    yield* Console.log(
      `Patch: ${patchPath} (${bundle.patch.bytes} bytes, sha256 ${intact ? "verified" : "DOES NOT MATCH bundle.json: do not apply it"})`
    )
  })).pipe(Command.withDescription("show a bundle (default: current) and its state as text, --json, or its raw --patch"))
