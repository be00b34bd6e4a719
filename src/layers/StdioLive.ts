import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { InputInvalid } from "../domain/errors.js"
import { fileTypeName } from "../domain/Text.js"
import { readStdin } from "../gate/stdin.js"
import { Stdio, type StdinLimits, type StdinText } from "../services/Stdio.js"

const readProcessStdin = (limits: StdinLimits) =>
  Effect.async<StdinText>((resume) => {
    if (process.stdin.isTTY && !limits.fromTerminal) return resume(Effect.succeed({ text: "", overLimit: false }))
    const stop = readStdin(limits, (stdin) => resume(Effect.succeed(stdin)))
    return Effect.sync(stop)
  })

const writeStdout = <E>(bytes: Stream.Stream<Uint8Array, E>) =>
  Stream.runForEach(bytes, (chunk) =>
    Effect.async<void>((resume) => {
      // Wait for each write so a large patch streams through a slow pipe without piling up in memory.
      process.stdout.write(chunk, () => resume(Effect.void))
    }))


/**
 * Standard input that the hook gate (src/gate) has already read before it handed the command over: served to the one
 * read a hook makes, so stdin is never read twice.
 */
const servePreread = (preread: StdinText) => (_limits: StdinLimits) => Effect.succeed(preread)

/** `preread`: what the hook gate read from stdin before handing over; undefined reads the process's stdin. */
export const makeStdioLive = (preread?: StdinText) => Layer.effect(
  Stdio,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const readFile = (path: string, maxBytes: number) =>
      Effect.gen(function*() {
        const invalid = (reason: string) => new InputInvalid({ what: path, reason })
        // stat, not open: opening a FIFO would block until a writer comes.
        const info = yield* fs.stat(path).pipe(
          Effect.mapError((error) =>
            invalid(error._tag === "SystemError" && error.reason === "NotFound" ? "no such file" : error.message)
          )
        )
        if (info.type !== "File") {
          return yield* invalid(`it is ${fileTypeName(info.type)}; give a regular file, or - for standard input`)
        }
        if (Number(info.size) > maxBytes) {
          return yield* invalid(`it is ${info.size} bytes, over the ${maxBytes} bytes a summary may have; shorten it`)
        }
        const bytes = yield* fs.readFile(path).pipe(Effect.mapError((error) => invalid(error.message)))
        return Buffer.from(bytes).toString("utf8")
      })
    const writeFile = (dir: string, name: string, text: string) => {
      const path = `${dir}/${name}`
      const temp = `${dir}/.${name}.${process.pid}.tmp`
      return fs.makeDirectory(dir, { recursive: true }).pipe(
        Effect.zipRight(fs.writeFileString(temp, text, { flag: "wx" })),
        Effect.zipRight(fs.rename(temp, path)),
        Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
        Effect.mapError((error) => new InputInvalid({ what: path, reason: `could not write it (${error.message})` })),
        Effect.as(path)
      )
    }
    const read = preread === undefined ? readProcessStdin : servePreread(preread)
    return Stdio.of({ read, readFile, writeFile, writeStdout })
  })
)

export const StdioLive = makeStdioLive()
