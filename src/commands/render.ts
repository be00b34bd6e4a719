import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { chooseAdapters } from "../domain/AdapterChoice.js"
import { agentById } from "../domain/agents/registry.js"
import { renderResumePrompt } from "../domain/ResumeContext.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Stdio } from "../services/Stdio.js"
import { Store } from "../services/Store.js"
import { Surfaces } from "../services/Surfaces.js"
import { Workspace } from "../services/Workspace.js"
import { namedBundle } from "../workflows/Pickup.js"
import { loadConfig, repoRoot } from "./common.js"
import { ValueName } from "../domain/CommandSpec.js"

const options = {
  out: Options.text("out").pipe(Options.withPseudoName(ValueName.dir), Options.optional, Options.withDescription("the directory to write into (default .handover/rendered)")),
  adapter: Options.text("adapter").pipe(
    Options.withPseudoName(ValueName.adapter),
    Options.repeated,
    Options.withDescription("render for this adapter (repeat for several); default: the installed ones, else the config's")
  )
}

export const renderCommand = Command.make("render", options, (args) =>
  Effect.gen(function*() {
    const root = yield* repoRoot
    const store = yield* Store
    const bundle = yield* namedBundle(root, "current")
    const installed = Option.match(yield* (yield* Surfaces).installed(root), {
      onNone: () => [],
      onSome: (manifest) => manifest.adapters.map((adapter) => adapter.id)
    })
    const { config } = yield* loadConfig(root)
    const { ids } = yield* chooseAdapters({
      requested: args.adapter,
      all: false,
      configured: installed.length > 0 ? installed : config.adapters,
      found: []
    })
    const workspace = yield* Workspace
    const stdio = yield* Stdio
    const written: Array<string> = []
    for (const id of ids) {
      const agent = agentById(id)!
      const text = renderResumePrompt(bundle, storeLayout(root).home, agent)
      written.push(
        yield* Option.match(args.out, {
          onNone: () => store.writeRendered(root, `${id}.md`, text),
          onSome: (dir) => stdio.writeFile(dir.startsWith("/") ? dir : `${workspace.cwd}/${dir}`, `${id}.md`, text)
        })
      )
    }
    yield* Console.log([`Rendered bundle ${bundle.id} for ${ids.join(", ")}:`, ...written.map((path) => `  ${path}`)].join("\n"))
  })).pipe(Command.withDescription("write a resume prompt per tool from the current bundle (default into .handover/rendered/)"))
