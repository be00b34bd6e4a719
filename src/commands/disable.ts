import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { storeDirName } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { Store } from "../services/Store.js"
import { Surfaces } from "../services/Surfaces.js"
import { refuseCommittedManifest, reportLines } from "../workflows/Install.js"
import { repoRoot } from "./common.js"
import { ValueName } from "../domain/CommandSpec.js"

const options = {
  adapter: Options.text("adapter").pipe(
    Options.withPseudoName(ValueName.adapter),
    Options.repeated,
    Options.withDescription("take back only this adapter (repeat for several); default: every installed one")
  ),
  purge: Options.boolean("purge").pipe(
    Options.withDescription("also remove .handover/ (bundles included), keeping only the files git tracks there")
  )
}

export const disableCommand = Command.make("disable", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const surfaces = yield* Surfaces
    yield* refuseCommittedManifest(root)
    const report = yield* store.withLock(
      root,
      "disable",
      surfaces.uninstall(root, args.adapter.length > 0 ? args.adapter : "all")
    )
    const lines = report.length === 0 ? ["Nothing of handover was installed here."] : ["Taken back:", ...reportLines(report)]
    if (args.purge) {
      // What the repository commits under .handover (a shared config.json) is the repository's, not handover's to delete.
      const tracked = yield* (yield* Git).trackedFiles(root, storeDirName)
      yield* store.purge(root, tracked)
      lines.push(tracked.length === 0 ? `Removed ${storeDirName}/.` : `Removed ${storeDirName}/ but what git tracks there: ${tracked.join(", ")}.`)
    }
    yield* Console.log(lines.join("\n"))
  })).pipe(Command.withDescription("take back exactly what enable and install wrote; --purge also removes .handover/"))
