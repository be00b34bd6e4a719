import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** Where a shell would find `name` on `pathVariable` (a $PATH value): the first executable regular file. */
export const findOnPath = (fs: FileSystem.FileSystem, pathVariable: string | undefined, name: string) =>
  Effect.gen(function*() {
    for (const dir of (pathVariable ?? "").split(":").filter((entry) => entry !== "")) {
      const path = `${dir}/${name}`
      const executable = yield* fs.stat(path).pipe(
        Effect.map((info) => info.type === "File" && (info.mode & 0o111) !== 0),
        Effect.orElseSucceed(() => false)
      )
      if (executable) return Option.some(path)
    }
    return Option.none<string>()
  })
