import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { describeTrigger } from "../domain/Summary.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { paintState } from "../domain/Style.js"
import { printableLine } from "../domain/Text.js"
import { Display } from "../services/Display.js"
import { claimBundle, pendingBundle } from "../workflows/Pickup.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption, targetOption } from "./common.js"

const options = {
  claim: Options.boolean("claim").pipe(Options.withDescription("claim it too, so no other tool takes it")),
  target: targetOption,
  json: jsonOption,
  set: setOption
}

export const pendingCommand = Command.make("pending", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    const target = Option.getOrUndefined(args.target)
    const found = args.claim ? claimBundle(root, config, { target }) : pendingBundle(root, config, { target })
    const bundle = yield* found.pipe(
      Effect.tapErrorTag("NothingPending", () => args.json ? printJson({ pending: false }) : Effect.void)
    )
    if (args.json) return yield* printJson({ pending: true, claimed: bundle.claim !== null, bundle })
    const { style } = (yield* Display).stdout
    const heading = paintState(style, args.claim ? "claimed" : "pending", args.claim ? "Claimed" : "Pending")
    // The bundle's words come from bundle.json: escaped to one line each before the heading's style joins them.
    yield* Console.log(
      [
        `${heading}: ${printableLine(`${bundle.id} — ${bundle.title}`)}`,
        ...[
          `  ${bundle.createdAt}, ${describeTrigger(bundle)}`,
          `  summary: ${storeLayout(root).bundle(bundle.id)}/summary.md`,
          ...(args.claim ? [] : ["  resume with: handover pickup"])
        ].map(printableLine)
      ].join("\n")
    )
  })).pipe(Command.withDescription("say whether a handover is waiting here (exit 0) or not (exit 3)"))
