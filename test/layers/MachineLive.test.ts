import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { MachineLive } from "../../src/layers/MachineLive.js"
import { Machine } from "../../src/services/Machine.js"
import { Workspace } from "../../src/services/Workspace.js"

// Which tools count as installed: an executable on PATH, or the directory the tool keeps in HOME.

const scratch = mkdtempSync(join(tmpdir(), "handover-machine-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const bin = join(scratch, "bin")
const home = join(scratch, "home")
mkdirSync(bin)
mkdirSync(join(home, ".codex"), { recursive: true })
writeFileSync(join(bin, "claude"), "#!/bin/sh\n")
chmodSync(join(bin, "claude"), 0o755)
writeFileSync(join(bin, "gemini"), "not executable\n")
writeFileSync(join(home, ".cursor"), "a file, not the tool's directory\n")

const TestMachine = MachineLive.pipe(
  Layer.provide(Layer.succeed(Workspace, { cwd: scratch, home, env: { PATH: `/nonexistent:${bin}` } })),
  Layer.provide(NodeFileSystem.layer)
)

describe("MachineLive.findTool", () => {
  it.effect("an executable on PATH, or the tool's directory in HOME; not a plain file of that name", () =>
    Effect.gen(function*() {
      const machine = yield* Machine
      expect(yield* machine.findTool({ binaries: ["claude"], configDirs: [".claude"] })).toBe("claude on PATH")
      expect(yield* machine.findTool({ binaries: ["codex"], configDirs: [".codex"] })).toBe("~/.codex exists")
      expect(yield* machine.findTool({ binaries: ["gemini"], configDirs: [".gemini"] })).toBeNull()
      expect(yield* machine.findTool({ binaries: [], configDirs: [".cursor"] })).toBeNull()
    }).pipe(Effect.provide(TestMachine)))
})
