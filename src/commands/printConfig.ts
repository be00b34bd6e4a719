import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import { loadConfig, printJson, repoRoot, setOption } from "./common.js"

export const printConfigCommand = Command.make("print-config", { set: setOption }, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    yield* printJson(config)
  })).pipe(Command.withDescription("print the effective config as JSON (defaults ← config.json ← environment ← --set)"))
