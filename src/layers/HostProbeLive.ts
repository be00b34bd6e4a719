import * as Command from "@effect/platform/Command"
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PathFacts } from "../domain/Doctor.js"
import { fileTypeName } from "../domain/Text.js"
import { HostProbe } from "../services/HostProbe.js"
import { Workspace } from "../services/Workspace.js"
import { entryAt, reasonOf } from "./FileEntry.js"
import { findOnPath } from "./PathLookup.js"

/** A version line is short; a program that prints more than this before its first line break is cut there. */
const maxAnswerChars = 4096

export const HostProbeLive = Layer.effect(
  HostProbe,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    const workspace = yield* Workspace

    const stat = (path: string): Effect.Effect<PathFacts> =>
      fs.stat(path).pipe(
        Effect.flatMap((info) =>
          fs.access(path, { writable: true }).pipe(
            Effect.as(true),
            Effect.orElseSucceed(() => false),
            Effect.map((writable): PathFacts => ({
              _tag: "Present",
              type: info.type === "File" || info.type === "Directory" ? info.type : "Other",
              mode: info.mode & 0o7777,
              writable
            }))
          )
        ),
        Effect.orElseSucceed((): PathFacts => ({ _tag: "Missing" }))
      )

    const lstat = (path: string): Effect.Effect<PathFacts> =>
      Effect.flatMap(entryAt(fs, path), (entry) => entry._tag === "Present" ? stat(path) : Effect.succeed(entry))

    const readFile = (path: string, maxBytes: number) =>
      Effect.gen(function*() {
        const entry = yield* entryAt(fs, path)
        if (entry._tag === "Missing") return Option.none<string>()
        if (entry._tag === "Link") return yield* Effect.fail(`it is a symbolic link (to ${entry.target})`)
        const info = yield* fs.stat(path).pipe(Effect.mapError(reasonOf))
        if (info.type !== "File") return yield* Effect.fail(`it is ${fileTypeName(info.type)}, not a regular file`)
        if (Number(info.size) > maxBytes) return yield* Effect.fail(`it is ${info.size} bytes, more than the ${maxBytes} read`)
        const bytes = yield* fs.readFile(path).pipe(Effect.mapError(reasonOf))
        return Option.some(Buffer.from(bytes).toString("utf8"))
      })

    const which = (name: string) => findOnPath(fs, workspace.env.PATH, name)

    const firstLineOf = (argv: ReadonlyArray<string>, timeoutMs: number) =>
      Effect.scoped(
        Effect.gen(function*() {
          const [program = "", ...args] = argv
          const child = yield* executor.start(Command.make(program, ...args).pipe(Command.feed("")))
          const [output, exitCode] = yield* Effect.all([
            child.stdout.pipe(
              Stream.decodeText(),
              Stream.runFoldWhile("", (text) => !text.includes("\n") && text.length < maxAnswerChars, (text, chunk) => text + chunk)
            ),
            child.exitCode
          ], { concurrency: "unbounded" })
          const firstLine = output.split("\n")[0]!.trim().slice(0, maxAnswerChars)
          return exitCode === 0
            ? { _tag: "Answered" as const, firstLine }
            : { _tag: "Failed" as const, reason: `it exited with code ${exitCode}` }
        })
      ).pipe(
        Effect.timeoutFail({ duration: timeoutMs, onTimeout: () => `it did not answer within ${timeoutMs / 1000} s` }),
        Effect.catchAll((error) =>
          Effect.succeed({
            _tag: "Failed" as const,
            reason: typeof error === "string" ? error : `it could not be started (${error.message})`
          })
        )
      )

    return HostProbe.of({
      nodeVersion: process.version,
      lstat,
      stat,
      realPath: (path) => fs.realPath(path).pipe(Effect.map(Option.some), Effect.orElseSucceed(() => Option.none<string>())),
      list: (path, max) =>
        Effect.flatMap(entryAt(fs, path), (entry) =>
          entry._tag !== "Present"
            ? Effect.succeed([])
            : fs.readDirectory(path).pipe(Effect.map((names) => names.sort().slice(0, max)), Effect.orElseSucceed(() => []))),
      readFile,
      which,
      firstLineOf
    })
  })
)
