import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { chooseAdapters } from "../domain/AdapterChoice.js"
import { StoreNotInitialised } from "../domain/errors.js"
import { Store } from "../services/Store.js"
import { afterInstallNotes, findTools, installAdapters, reportLines } from "../workflows/Install.js"
import { adapterOptions, loadConfig, repoRoot, setOption } from "./common.js"

/** The options of install and enable: which adapters, shared files or local ones, config overrides. */
export const installOptions = {
  ...adapterOptions,
  shared: Options.boolean("shared").pipe(
    Options.withDescription("write the hook files meant to be committed (.claude/settings.json) rather than the local ones")
  ),
  set: setOption
}

/** Chooses the adapters and installs them; the lines to print, the choice and what was done. */
export const installChosen = (
  root: string,
  args: { readonly adapter: ReadonlyArray<string>; readonly all: boolean; readonly shared: boolean; readonly set: ReadonlyArray<string> }
) =>
  Effect.gen(function*() {
    const { configuredAdapters } = yield* loadConfig(root, args.set)
    const choice = yield* chooseAdapters({
      requested: args.adapter,
      all: args.all,
      configured: configuredAdapters,
      found: args.adapter.length > 0 || args.all || configuredAdapters !== null ? [] : yield* findTools
    })
    const report = yield* installAdapters(root, choice.ids, args.shared)
    return {
      choice,
      report,
      lines: [
        `Adapters: ${choice.ids.join(", ")} (${choice.why})`,
        ...(report.length === 0 ? ["  nothing to write: already installed"] : reportLines(report)),
        ...afterInstallNotes(choice.ids).map((note) => `Next: ${note}`)
      ]
    }
  })

export const installCommand = Command.make(
  "install",
  installOptions,
  (args) =>
    Effect.gen(function*() {
      const root = yield* repoRoot
      if (!(yield* (yield* Store).isInitialised(root))) return yield* new StoreNotInitialised({ root })
      const { lines } = yield* installChosen(root, args)
      yield* Console.log(lines.join("\n"))
    })
).pipe(Command.withDescription("write each adapter's guidance and hooks into this repository (see handover enable)"))
