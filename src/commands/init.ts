import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { defaultConfig, type HandoverConfig } from "../domain/Config.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Store } from "../services/Store.js"
import { repoRoot } from "./common.js"

/** Creates .handover/ with a config (the defaults unless given); running it again changes nothing. */
export const initStore = (config: HandoverConfig = defaultConfig) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const created = yield* store.withLock(root, "init", store.writeConfigIfMissing(root, JSON.stringify(config, null, 2) + "\n"))
    return { root, created }
  })

export const initCommand = Command.make("init", {}, () =>
  Effect.gen(function*() {
    const { root, created } = yield* initStore()
    const layout = storeLayout(root)
    yield* Console.log(
      created
        ? `Initialised ${layout.home} with a default ${layout.config} (commit it to share the settings).`
        : `${layout.home} is already initialised; ${layout.config} was left as it is.`
    )
  })).pipe(Command.withDescription("create .handover/ and a default config.json in this repository (idempotent)"))
