import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { agentById } from "../domain/agents/registry.js"
import { defaultConfig } from "../domain/Config.js"
import { storeDirName } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { Store } from "../services/Store.js"
import { Surfaces } from "../services/Surfaces.js"
import { observeQuota } from "../workflows/Quota.js"
import { loadConfig, repoRoot } from "./common.js"
import { initStore } from "./init.js"
import { installChosen, installOptions } from "./install.js"

/** Removes a store that holds neither a config nor an install record, keeping what git tracks there. */
const removeEmptyStore = (root: string) =>
  Effect.gen(function*() {
    const store = yield* Store
    const installed = yield* (yield* Surfaces).installed(root)
    if ((yield* store.isInitialised(root)) || Option.isSome(installed)) return
    yield* store.purge(root, yield* (yield* Git).trackedFiles(root, storeDirName))
  }).pipe(Effect.ignore)

export const enableCommand = Command.make(
  "enable",
  installOptions,
  (args) =>
    Effect.gen(function*() {
      const root = yield* repoRoot
      const store = yield* Store
      const existed = yield* store.isInitialised(root)
      // A new store's config names the adapters chosen now, so that later installs and status --probe follow them.
      const { choice, created, lines } = yield* installChosen(root, args).pipe(
        Effect.flatMap((installed) =>
          existed
            ? Effect.succeed({ ...installed, created: false })
            : Effect.map(initStore({ ...defaultConfig, adapters: [...installed.choice.ids] }), ({ created }) => ({
              ...installed,
              created
            }))
        ),
        // A refused install changes nothing: not even the empty store it made, unless another enable filled it since.
        Effect.tapError(() => existed ? Effect.void : removeEmptyStore(root))
      )
      const { config } = yield* loadConfig(root, args.set)
      const withQuota = choice.ids.filter((id) => agentById(id)?.quota !== null)
      const { answer, connection } = yield* observeQuota(config, withQuota)
      const daemon = answer._tag === "Right"
        ? `openusage answers at ${connection.socketPath}: automatic captures are on for ${withQuota.join(", ") || "no tool"}`
        : `${answer.left.message}; until it answers, capture by hand with handover capture`
      yield* Console.log([
        created ? `Initialised ${root}/.handover.` : `${root}/.handover is already initialised.`,
        ...lines,
        daemon
      ].join("\n"))
    })
).pipe(Command.withDescription("set handover up in this repository in one step: init, install the adapters, check openusage"))
