import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { progressIntervalMillis } from "../../src/domain/Progress.js"
import { plainStyle } from "../../src/domain/Style.js"
import { makeProgressLive } from "../../src/layers/ProgressLive.js"
import { Progress } from "../../src/services/Progress.js"

// The terminal's progress under TestClock: what it writes, and when, without waiting for real time.

const stderrTerminal = { isTTY: true, columns: 80, style: plainStyle }
const pipe = { isTTY: false, columns: 80, style: plainStyle }

/** Runs `work` with the terminal progress provided, stderr a terminal or not; returns everything written. */
const shown = <E>(work: Effect.Effect<void, E>, options: { readonly isTTY?: boolean; readonly env?: Record<string, string> } = {}) =>
  Effect.gen(function*() {
    const written: Array<string> = []
    const stderr = options.isTTY === false ? pipe : stderrTerminal
    yield* work.pipe(Effect.provide(makeProgressLive({ stderr, write: (text) => written.push(text), env: options.env ?? {} })), Effect.ignore)
    return written
  })

const patchChunk = (files: number) => new TextEncoder().encode("diff --git a/x b/x\n+line\n".repeat(files))

const capture = Effect.gen(function*() {
  const progress = yield* Progress
  yield* progress.step("reading the working tree")
  yield* progress.patchWritten(patchChunk(1))
  yield* TestClock.adjust(progressIntervalMillis - 1)
  yield* progress.patchWritten(patchChunk(2))
  yield* TestClock.adjust(1)
  yield* progress.patchWritten(patchChunk(3))
  yield* progress.step("checking the patch applies")
})

describe("ProgressLive", () => {
  it.effect("draws each step at once and the patch's count at most every interval, then erases the line", () =>
    Effect.gen(function*() {
      expect(yield* shown(capture)).toEqual([
        "\rhandover: reading the working tree…\x1b[K",
        "\rhandover: writing the patch: 1 file, 25 bytes\x1b[K",
        // 2 files at 99 ms are not drawn; at 100 ms the count so far is.
        "\rhandover: writing the patch: 6 files, 150 bytes\x1b[K",
        "\rhandover: checking the patch applies…\x1b[K",
        "\r\x1b[K"
      ])
    }))

  it.effect("erases the line when the work fails too", () =>
    Effect.gen(function*() {
      const failing = Effect.zipRight(Effect.flatMap(Progress, (progress) => progress.step("checking")), Effect.fail("no"))
      expect(yield* shown(failing)).toEqual(["\rhandover: checking…\x1b[K", "\r\x1b[K"])
    }))

  it.effect("writes nothing when stderr is no terminal, or a dumb one", () =>
    Effect.gen(function*() {
      expect(yield* shown(capture, { isTTY: false })).toEqual([])
      expect(yield* shown(capture, { env: { TERM: "dumb" } })).toEqual([])
    }))
})
