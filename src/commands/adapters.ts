import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { connectionKind } from "../domain/agents/Agent.js"
import { allAgents } from "../domain/agents/registry.js"
import { Git } from "../services/Git.js"
import { Machine } from "../services/Machine.js"
import { Surfaces } from "../services/Surfaces.js"
import { Workspace } from "../services/Workspace.js"
import { observeQuota } from "../workflows/Quota.js"
import { jsonOption, loadConfig, printJson } from "./common.js"

export const adaptersCommand = Command.make("adapters", { json: jsonOption }, (args) =>
  Effect.gen(function*() {
    const workspace = yield* Workspace
    const machine = yield* Machine
    // Outside a repository the list is still useful: nothing is installed there.
    const root = yield* (yield* Git).topLevel(workspace.cwd).pipe(Effect.option)
    const installed = Option.isNone(root)
      ? []
      : Option.match(yield* (yield* Surfaces).installed(root.value), {
        onNone: () => [],
        onSome: (manifest) => manifest.adapters.map((adapter) => adapter.id)
      })
    const config = Option.isNone(root) ? null : (yield* loadConfig(root.value).pipe(Effect.option)).pipe(Option.getOrNull)
    const withQuota = allAgents.filter((agent) => agent.quota !== null).map((agent) => agent.id)
    const quota = config === null ? null : yield* observeQuota(config.config, withQuota)
    const rows = []
    for (const agent of allAgents) {
      const observation = quota?.observations.find(([tool]) => tool === agent.id)?.[1]
      rows.push({
        id: agent.id,
        name: agent.displayName,
        kind: connectionKind(agent),
        surfaces: agent.surfaces({ handoverPath: null, shared: false }).map((surface) => surface.path),
        installed: installed.includes(agent.id),
        found: yield* machine.findTool(agent.detection),
        quota: agent.quota === null
          ? null
          : {
            provider: agent.quota.provider,
            reported: observation === undefined || observation._tag === "Unavailable"
              ? null
              : observation.reading._tag === "Known"
          }
      })
    }
    if (args.json) return yield* printJson({ daemon: quota === null ? null : quota.answer._tag === "Right", adapters: rows })
    yield* Console.log(rows.map((row) =>
      [
        `${row.id.padEnd(22)} ${row.name}`,
        `    ${row.kind}: ${row.surfaces.join(", ")}`,
        `    ${row.installed ? "installed here" : "not installed here"}; ${row.found ?? "not found on this machine"}; ${
          row.quota === null
            ? "no quota in openusage (a target, and a source by hand)"
            : `openusage ${row.quota.provider}: ${
              row.quota.reported === null ? "openusage not asked or not answering" : row.quota.reported ? "quota reported" : "no quota reported now"
            }`
        }`
      ].join("\n")
    ).join("\n"))
  })).pipe(Command.withDescription("list every adapter: its files, whether installed here, found on this machine, and its quota"))
