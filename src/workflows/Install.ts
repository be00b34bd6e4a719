import * as Effect from "effect/Effect"
import { agentById, allAgents } from "../domain/agents/registry.js"
import type { FoundTool } from "../domain/AdapterChoice.js"
import type { ReportItem } from "../domain/Install.js"
import { ManifestCommitted } from "../domain/errors.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { Git } from "../services/Git.js"
import { Machine } from "../services/Machine.js"
import { Store } from "../services/Store.js"
import { Surfaces } from "../services/Surfaces.js"
import { Workspace } from "../services/Workspace.js"

/** The coding tools found on this machine, each with why it counts as found. */
export const findTools = Effect.gen(function*() {
  const machine = yield* Machine
  const found: Array<FoundTool> = []
  for (const agent of allAgents) {
    const reason = yield* machine.findTool(agent.detection)
    if (reason !== null) found.push({ id: agent.id, reason })
  }
  return found
})

/**
 * Writes the adapters' guidance and hooks under the store lock (two installs at once make one consistent install).
 * The hook commands try the handover that runs this first, then `handover` on PATH.
 */
export const installAdapters = (root: string, ids: ReadonlyArray<string>, shared: boolean) =>
  Effect.gen(function*() {
    const workspace = yield* Workspace
    const store = yield* Store
    const surfaces = yield* Surfaces
    const options = {
      handoverPath: workspace.handoverPath ?? null,
      shared,
      ...(workspace.nodePath === undefined ? {} : { nodePath: workspace.nodePath })
    }
    const requests = ids.flatMap((id) => {
      const agent = agentById(id)
      return agent === undefined ? [] : [{ adapter: id, surfaces: agent.surfaces(options) }]
    })
    yield* refuseCommittedManifest(root)
    return yield* store.withLock(root, "install", surfaces.install(root, requests))
  })

/**
 * Refuses an install record that git tracks: a cloned repository could commit one that makes disable "restore" its
 * own text into the user's files, or delete files as if handover had created them.
 */
export const refuseCommittedManifest = (root: string) =>
  Effect.gen(function*() {
    const path = storeLayout(root).installed
    const tracked = yield* (yield* Git).trackedFiles(root, path.slice(root.length + 1))
    if (tracked.length > 0) return yield* new ManifestCommitted({ path })
  })

/** What the user must still do for the tools just connected. */
export const afterInstallNotes = (ids: ReadonlyArray<string>): ReadonlyArray<string> =>
  ids.flatMap((id) => agentById(id)?.afterInstall ?? [])

/** One line per change, as install and disable print them. */
export const reportLines = (items: ReadonlyArray<ReportItem>): ReadonlyArray<string> =>
  items.map((item) => `  ${item.adapter}: ${item.outcome} ${item.what} in ${item.path}${item.why ? ` (${item.why})` : ""}`)
