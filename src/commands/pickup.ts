import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { renderSummary } from "../domain/Summary.js"
import { claimBundle } from "../workflows/Pickup.js"
import { loadConfig, repoRoot, setOption, targetOption } from "./common.js"

const options = {
  id: Args.text({ name: "ID" }).pipe(Args.optional, Args.withDescription("a bundle id; default: the pending one")),
  target: targetOption,
  set: setOption
}

export const pickupCommand = Command.make("pickup", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    const bundle = yield* claimBundle(root, config, {
      id: Option.getOrUndefined(args.id),
      target: Option.getOrUndefined(args.target)
    })
    yield* Console.log(renderSummary(bundle))
  })).pipe(Command.withDescription("claim the pending handover, make it current and print its summary"))
