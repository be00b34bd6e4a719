import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Stdio, type StdinLimits } from "../services/Stdio.js"

const readProcessStdin = (limits: StdinLimits) =>
  Effect.async<string>((resume) => {
    const input = process.stdin
    if (input.isTTY && !limits.fromTerminal) return resume(Effect.succeed(""))
    const chunks: Array<Buffer> = []
    let size = 0
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      input.off("data", onData).off("end", finish).off("error", finish)
      input.pause()
      // Leave nothing that would keep the process alive on a pipe the writer never closes.
      input.unref?.()
      resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
    }
    const onData = (chunk: Buffer) => {
      const room = limits.maxBytes - size
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
      size += Math.min(chunk.length, room)
      if (size >= limits.maxBytes) finish()
    }
    const timer = limits.timeoutMs === null ? undefined : setTimeout(finish, limits.timeoutMs)
    input.on("data", onData).on("end", finish).on("error", finish)
    return Effect.sync(finish)
  })

const writeStdout = <E>(bytes: Stream.Stream<Uint8Array, E>) =>
  Stream.runForEach(bytes, (chunk) =>
    Effect.async<void>((resume) => {
      // Wait for each write so a large patch streams through a slow pipe without piling up in memory.
      process.stdout.write(chunk, () => resume(Effect.void))
    }))

export const StdioLive = Layer.succeed(Stdio, Stdio.of({ read: readProcessStdin, writeStdout }))
