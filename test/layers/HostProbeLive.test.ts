import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { HostProbeLive } from "../../src/layers/HostProbeLive.js"
import { HostProbe } from "../../src/services/HostProbe.js"
import { Workspace } from "../../src/services/Workspace.js"

// doctor's read-only look at the machine: links seen as links and never read through, bounded reads, and programs
// that fail, never answer or are missing all reported rather than waited for.

const scratch = mkdtempSync(join(tmpdir(), "handover-probe-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const bin = join(scratch, "bin")
mkdirSync(bin)
const program = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`)
  chmodSync(join(bin, name), 0o755)
  return join(bin, name)
}
const answers = program("handover", "echo 1.2.3; echo more")
const fails = program("fails", "echo nope; exit 3")
const hangs = program("hangs", "exec sleep 30")
writeFileSync(join(scratch, "secret"), "outside\n")
symlinkSync(join(scratch, "secret"), join(scratch, "link"))
writeFileSync(join(scratch, "big"), "x".repeat(100))
mkdirSync(join(scratch, "private"), { mode: 0o700 })

const TestProbe = HostProbeLive.pipe(
  Layer.provide(Layer.succeed(Workspace, { cwd: scratch, home: scratch, env: { PATH: `/nonexistent:${bin}` } })),
  Layer.provide(NodeCommandExecutor.layer.pipe(Layer.provideMerge(NodeFileSystem.layer)))
)

describe("HostProbeLive", () => {
  it.effect("tells a link from what it points at, and never reads through one", () =>
    Effect.gen(function*() {
      const probe = yield* HostProbe
      expect(yield* probe.lstat(join(scratch, "link"))).toEqual({ _tag: "Link", target: join(scratch, "secret") })
      expect(yield* probe.stat(join(scratch, "link"))).toMatchObject({ _tag: "Present", type: "File" })
      expect(yield* probe.lstat(join(scratch, "private"))).toMatchObject({ _tag: "Present", type: "Directory", mode: 0o700 })
      expect(yield* probe.lstat(join(scratch, "missing"))).toEqual({ _tag: "Missing" })
      expect(yield* Effect.flip(probe.readFile(join(scratch, "link"), 1024))).toMatch(/symbolic link/)
      expect(yield* Effect.flip(probe.readFile(join(scratch, "big"), 10))).toMatch(/more than the 10/)
      expect(yield* Effect.flip(probe.readFile(scratch, 1024))).toMatch(/a directory, not a regular file/)
      expect(yield* probe.readFile(join(scratch, "secret"), 1024)).toEqual(Option.some("outside\n"))
      expect(yield* probe.readFile(join(scratch, "missing"), 1024)).toEqual(Option.none())
    }).pipe(Effect.provide(TestProbe)))

  // Live: the timeout runs on the real clock.
  it.live("finds a program on PATH and takes its first line; a failure, a hang or a missing program is a reason", () =>
    Effect.gen(function*() {
      const probe = yield* HostProbe
      expect(yield* probe.which("handover")).toEqual(Option.some(answers))
      expect(yield* probe.which("nothing-here")).toEqual(Option.none())
      expect(yield* probe.firstLineOf([answers, "--version"], 5000)).toEqual({ _tag: "Answered", firstLine: "1.2.3" })
      expect(yield* probe.firstLineOf([fails], 5000)).toEqual({ _tag: "Failed", reason: "it exited with code 3" })
      expect(yield* probe.firstLineOf([hangs], 300)).toEqual({ _tag: "Failed", reason: "it did not answer within 0.3 s" })
      expect(yield* probe.firstLineOf([join(bin, "absent")], 5000)).toMatchObject({ _tag: "Failed", reason: expect.stringMatching(/could not be started/) })
    }).pipe(Effect.provide(TestProbe)))
})
