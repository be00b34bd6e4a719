import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Detection } from "../domain/agents/Agent.js"
import { Machine } from "../services/Machine.js"
import { Workspace } from "../services/Workspace.js"
import { findOnPath } from "./PathLookup.js"

export const MachineLive = Layer.effect(
  Machine,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const workspace = yield* Workspace
    const is = (path: string, wanted: (info: FileSystem.File.Info) => boolean) =>
      fs.stat(path).pipe(Effect.map(wanted), Effect.orElseSucceed(() => false))

    const findTool = (detection: Detection) =>
      Effect.gen(function*() {
        for (const binary of detection.binaries) {
          if (Option.isSome(yield* findOnPath(fs, workspace.env.PATH, binary))) return `${binary} on PATH`
        }
        for (const dir of detection.configDirs) {
          if (yield* is(`${workspace.home}/${dir}`, (info) => info.type === "Directory")) return `~/${dir} exists`
        }
        return null
      })
    return Machine.of({ findTool })
  })
)
