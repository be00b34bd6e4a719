import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { patchMismatch } from "../domain/PatchApply.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { renderSummary } from "../domain/Summary.js"
import { paintState } from "../domain/Style.js"
import { printableLine } from "../domain/Text.js"
import { Display } from "../services/Display.js"
import { Stdio } from "../services/Stdio.js"
import { Store } from "../services/Store.js"
import { readLifecycle } from "../workflows/Lifecycle.js"
import { namedBundle } from "../workflows/Pickup.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption } from "./common.js"

const options = {
  id: Args.text({ name: "ID" }).pipe(Args.withDefault("current"), Args.withDescription("a bundle id, or current")),
  json: jsonOption,
  patch: Options.boolean("patch").pipe(Options.withDescription("print the raw workspace.patch instead")),
  set: setOption
}

export const inspectCommand = Command.make("inspect", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const bundle = yield* namedBundle(root, args.id)
    const patchPath = `${storeLayout(root).bundle(bundle.id)}/workspace.patch`
    if (args.patch) return yield* (yield* Stdio).writeStdout(store.streamPatch(root, bundle.id))
    const onDisk = yield* store.hashPatch(root, bundle.id)
    const intact = patchMismatch(bundle, Option.getOrUndefined(onDisk)) === undefined
    const { config } = yield* loadConfig(root, args.set)
    // Read a moment after the bundle: one deleted meanwhile (pruned by a capture) has no state any more.
    const status = (yield* readLifecycle(root, config)).states.find((entry) => entry.bundle.id === bundle.id)
    const lifecycle = { state: status?.state ?? null, reason: status?.reason ?? null }
    if (args.json) return yield* printJson({ ...bundle, patchIntact: intact, ...lifecycle })
    const { style } = (yield* Display).stdout
    yield* Console.log(renderSummary(bundle))
    // The reason quotes bundle.json (the claimant): escaped before the state's style joins it.
    if (status !== undefined) yield* Console.log(`State: ${paintState(style, status.state)} (${printableLine(status.reason)})`)
    yield* Console.log(
      `Patch: ${printableLine(patchPath)} (${bundle.patch.bytes} bytes, sha256 ${
        intact ? style.green("verified") : style.red("DOES NOT MATCH bundle.json: do not apply it")
      })`
    )
  })).pipe(Command.withDescription("show a bundle (default: current) and its state as text, --json, or its raw --patch"))
