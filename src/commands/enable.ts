import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { agentById } from "../domain/agents/registry.js"
import { defaultConfig } from "../domain/Config.js"
import { storeDirName } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { Store } from "../services/Store.js"
import { observeQuota } from "../workflows/Quota.js"
import { adapterOptions, loadConfig, repoRoot, setOption } from "./common.js"
import { initStore } from "./init.js"
import { installChosen, sharedOption } from "./install.js"

export const enableCommand = Command.make(
  "enable",
  { ...adapterOptions, shared: sharedOption, set: setOption },
  (args) =>
    Effect.gen(function*() {
      const root = yield* repoRoot
      const store = yield* Store
      const existed = yield* store.isInitialised(root)
      // A new store's config names the adapters chosen now, so that later installs and status --probe follow them.
      const { choice, lines } = yield* installChosen(root, args).pipe(
        Effect.tap(({ choice }) =>
          existed ? Effect.void : initStore({ ...defaultConfig, adapters: [...choice.ids] })),
        // A refused install changes nothing: not even the store it would have created.
        Effect.tapError(() =>
          existed
            ? Effect.void
            : Effect.flatMap(Git, (git) => git.trackedFiles(root, storeDirName)).pipe(
              Effect.flatMap((tracked) => store.purge(root, tracked)),
              Effect.ignore
            )
        )
      )
      const { config } = yield* loadConfig(root, args.set)
      const withQuota = choice.ids.filter((id) => agentById(id)?.quota !== null)
      const { connection, health, observations } = yield* observeQuota(config, withQuota)
      const daemon = health !== null
        ? `openusage answers at ${connection.socketPath}: automatic captures are on for ${withQuota.join(", ") || "no tool"}`
        : `openusage does not answer at ${connection.socketPath} (${
          observations[0]?.[1]._tag === "Unavailable" ? observations[0][1].reason : "not asked"
        }); until it does, capture by hand with handover capture`
      yield* Console.log([
        existed ? `${root}/.handover is already initialised.` : `Initialised ${root}/.handover.`,
        ...lines,
        daemon
      ].join("\n"))
    })
).pipe(Command.withDescription("set handover up in this repository in one step: init, install the adapters, check openusage"))
