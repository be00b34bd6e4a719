import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Detection } from "../domain/agents/Agent.js"
import { Machine } from "../services/Machine.js"
import { Workspace } from "../services/Workspace.js"

export const MachineLive = Layer.effect(
  Machine,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const workspace = yield* Workspace
    const pathDirs = (workspace.env.PATH ?? "").split(":").filter((dir) => dir !== "")
    const is = (path: string, wanted: (info: FileSystem.File.Info) => boolean) =>
      fs.stat(path).pipe(Effect.map(wanted), Effect.orElseSucceed(() => false))

    const findTool = (detection: Detection) =>
      Effect.gen(function*() {
        for (const binary of detection.binaries) {
          for (const dir of pathDirs) {
            if (yield* is(`${dir}/${binary}`, (info) => info.type === "File" && (info.mode & 0o111) !== 0)) {
              return `${binary} on PATH`
            }
          }
        }
        for (const dir of detection.configDirs) {
          if (yield* is(`${workspace.home}/${dir}`, (info) => info.type === "Directory")) return `~/${dir} exists`
        }
        return null
      })
    return Machine.of({ findTool })
  })
)
