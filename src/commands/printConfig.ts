import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { defaultConfig } from "../domain/Config.js"
import { InputInvalid } from "../domain/errors.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption } from "./common.js"

const options = {
  // Reads no config at all, so it works where the config is broken: the way out that every config error points to.
  defaults: Options.boolean("defaults").pipe(Options.withDescription("print the built-in defaults, reading no config")),
  // The output is JSON either way; accepted like on every other read command.
  json: jsonOption,
  set: setOption
}

export const printConfigCommand = Command.make("print-config", options, (args) =>
  Effect.gen(function*() {
    if (args.defaults) {
      if (args.set.length > 0) {
        return yield* new InputInvalid({ what: "--defaults and --set", reason: "--defaults reads no config; drop --set" })
      }
      return yield* printJson(defaultConfig)
    }
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    yield* printJson(config)
  })).pipe(
    Command.withDescription(
      "print the effective config as JSON (defaults ← config.json ← environment ← --set), or --defaults alone"
    )
  )
