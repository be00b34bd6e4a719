import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { mkdir, readFile, rm, stat, symlink } from "node:fs/promises"
import { join } from "node:path"
import type { AdapterSurfaces } from "../../src/domain/Install.js"
import type { Surface } from "../../src/domain/Surfaces.js"
import { SurfacesLive } from "../../src/layers/SurfacesLive.js"
import { Surfaces } from "../../src/services/Surfaces.js"
import { makeScratch, snapshotTree, writeFileIn } from "../helpers/repo.js"

const TestSurfaces = SurfacesLive.pipe(Layer.provide(NodeFileSystem.layer))

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)

/** A scratch directory standing in for the git top level, with the store directory the caller's lock would create. */
const scratchRoot = Effect.acquireRelease(promise(makeScratch), (scratch) => promise(() => scratch.cleanup())).pipe(
  Effect.map((scratch) => join(scratch.base, "repo")),
  Effect.tap((root) => promise(() => mkdir(join(root, ".handover"), { recursive: true })))
)

const write = (root: string, path: string, content: string) => promise(() => writeFileIn(root, path, content))
const read = (root: string, path: string) => promise(() => readFile(join(root, path), "utf8"))
/** The repository outside the store, for "byte-identical" and "nothing written" checks. */
const tree = (root: string) => promise(() => snapshotTree(root, [".handover"]))
const storeTree = (root: string) => promise(() => snapshotTree(join(root, ".handover")))

const hook = (command: string, timeout: number) => ({ type: "command", command, timeout })
const guarded = (args: string) => `command -v handover >/dev/null 2>&1 && handover ${args} || true`

// The surfaces the adapters produce, as agent-surfaces.md describes the clients.
const claude: AdapterSurfaces = {
  adapter: "claude",
  surfaces: [{
    _tag: "JsonEntries",
    path: ".claude/settings.local.json",
    entries: [
      { at: ["hooks", "SessionStart"], value: { matcher: "startup|resume|clear|compact", hooks: [hook(guarded("session-start --format claude"), 10)] } },
      { at: ["hooks", "UserPromptSubmit"], value: { hooks: [hook(guarded("on-event --tool claude"), 30)] } },
      { at: ["hooks", "Stop"], value: { hooks: [hook(guarded("on-event --tool claude"), 30)] } }
    ]
  }]
}
const codex: AdapterSurfaces = {
  adapter: "codex",
  surfaces: [
    {
      _tag: "JsonEntries",
      path: ".codex/hooks.json",
      entries: [
        { at: ["hooks", "SessionStart"], value: { hooks: [hook(guarded("session-start --format codex"), 10)] } },
        { at: ["hooks", "Stop"], value: { hooks: [hook(guarded("on-event --tool codex"), 30)] } }
      ]
    },
    { _tag: "ManagedBlock", path: "AGENTS.md", content: "When `handover session-start` reports a pending handover, run `handover pickup`." }
  ]
}
const gemini: AdapterSurfaces = {
  adapter: "gemini",
  surfaces: [{
    _tag: "JsonEntries",
    path: ".gemini/settings.json",
    entries: [{
      at: ["hooks", "SessionStart"],
      value: { matcher: "*", hooks: [{ name: "handover", type: "command", command: guarded("session-start --format gemini"), timeout: 10000 }] }
    }]
  }]
}
const cursor: AdapterSurfaces = {
  adapter: "cursor",
  surfaces: [{
    _tag: "OwnedFile",
    path: ".cursor/rules/handover.mdc",
    content: "---\ndescription: handover\nalwaysApply: true\n---\nRun `handover pending` at the start of a task.\n"
  }]
}
const aider: AdapterSurfaces = {
  adapter: "aider",
  surfaces: [
    { _tag: "ManagedBlock", path: "CONVENTIONS.md", content: "Run `handover pending` before you start." },
    { _tag: "YamlListItem", path: ".aider.conf.yml", key: "read", item: "CONVENTIONS.md" }
  ]
}
const everyAdapter = [claude, codex, gemini, cursor, aider]

/** The user's own files, in the shapes people write them: their hooks and keys, comments, odd indentation, CRLF. */
const usersFiles: Record<string, string> = {
  ".claude/settings.local.json":
    "{\n   \"permissions\": { \"allow\": [\"Bash(npm test)\"] },\n   \"hooks\": {\n      \"Stop\": [\n         { \"hooks\": [ { \"type\": \"command\", \"command\": \"say done\" } ] }\n      ]\n   },\n   \"model\": \"opus\"\n}",
  ".codex/hooks.json": "{\r\n\t\"hooks\": {\r\n\t\t\"PreToolUse\": [\r\n\t\t\t{ \"hooks\": [ { \"type\": \"command\", \"command\": \"lint\" } ] }\r\n\t\t]\r\n\t}\r\n}\r\n",
  ".gemini/settings.json": "// my settings\n{\n  /* theme first */\n  \"theme\": \"dark\",\n  \"hooks\": {} // none yet\n}\n",
  "AGENTS.md": "# Agents\r\n\r\nBe kind.\r\n",
  "CONVENTIONS.md": "# Conventions\n\n- tabs\n\n\n",
  ".aider.conf.yml": "# aider\nmodel: sonnet\nread:\n  - STYLE.md   # ours\nauto-commits: false\n",
  "src/main.ts": "export {}\n"
}

const withUsersFiles = (root: string) =>
  Effect.forEach(Object.entries(usersFiles), ([path, content]) => write(root, path, content), { discard: true })

describe("SurfacesLive install, then uninstall", () => {
  for (const withFiles of [false, true]) {
    it.scopedLive(`leaves the repository byte-identical ${withFiles ? "with the user's own files" : "when no file was there"}`, () =>
      Effect.gen(function*() {
        const root = yield* scratchRoot
        yield* write(root, "src/main.ts", "export {}\n")
        if (withFiles) yield* withUsersFiles(root)
        const surfaces = yield* Surfaces
        const before = yield* tree(root)
        yield* surfaces.install(root, everyAdapter)
        const installed = yield* tree(root)
        expect(installed).not.toEqual(before)
        // Twice is once: nothing written, installed.json included.
        const store = yield* storeTree(root)
        const again = yield* surfaces.install(root, everyAdapter)
        expect(yield* tree(root)).toEqual(installed)
        expect(yield* storeTree(root)).toEqual(store)
        expect(again.every((item) => item.outcome === "present")).toBe(true)
        const report = yield* surfaces.uninstall(root, "all")
        expect(report.every((item) => item.outcome === "restored")).toBe(true)
        expect(yield* tree(root)).toEqual(before)
        expect(Option.isNone(yield* surfaces.installed(root))).toBe(true)
      }).pipe(Effect.provide(TestSurfaces)))
  }

  it.scopedLive("edits the user's files in place: their keys, hooks, comments, indentation and line endings stay", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* withUsersFiles(root)
      yield* (yield* Surfaces).install(root, everyAdapter)
      const settings = yield* read(root, ".claude/settings.local.json")
      expect(settings.startsWith("{\n   \"permissions\": { \"allow\": [\"Bash(npm test)\"] },\n   \"hooks\": {\n      \"Stop\": [\n         { \"hooks\": [ { \"type\": \"command\", \"command\": \"say done\" } ] },\n         {\n            \"hooks\": [")).toBe(true)
      expect(settings).toContain("\n      \"SessionStart\": [\n         {\n            \"matcher\": \"startup|resume|clear|compact\",")
      expect(settings.endsWith("\n   \"model\": \"opus\"\n}")).toBe(true)
      const parsed = JSON.parse(settings)
      expect(Object.keys(parsed)).toEqual(["permissions", "hooks", "model"])
      expect(Object.keys(parsed.hooks)).toEqual(["Stop", "SessionStart", "UserPromptSubmit"])
      expect(parsed.hooks.Stop).toHaveLength(2)
      const codexHooks = yield* read(root, ".codex/hooks.json")
      expect(codexHooks.replace(/\r\n/g, "")).not.toContain("\n")
      expect(codexHooks).toContain("\r\n\t\t\"SessionStart\": [\r\n\t\t\t{\r\n\t\t\t\t\"hooks\": [")
      const geminiSettings = yield* read(root, ".gemini/settings.json")
      expect(geminiSettings).toContain("// my settings\n{\n  /* theme first */\n  \"theme\": \"dark\",\n  \"hooks\": {\n    \"SessionStart\": [")
      expect(geminiSettings).toContain("} // none yet\n}\n")
      expect(yield* read(root, "AGENTS.md")).toBe(
        "# Agents\r\n\r\nBe kind.\r\n\r\n<!-- handover:begin -->\r\n<!-- Managed by handover: `handover disable` removes this block; edit outside it. -->\r\nWhen `handover session-start` reports a pending handover, run `handover pickup`.\r\n<!-- handover:end -->\r\n"
      )
      expect(yield* read(root, ".aider.conf.yml")).toBe(
        "# aider\nmodel: sonnet\nread:\n  - STYLE.md   # ours\n  - CONVENTIONS.md\nauto-commits: false\n"
      )
    }).pipe(Effect.provide(TestSurfaces)))

  it.scopedLive("new files get two spaces and a trailing newline, in directories it records and removes", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      const surfaces = yield* Surfaces
      yield* surfaces.install(root, [claude, cursor])
      const settings = yield* read(root, ".claude/settings.local.json")
      expect(settings.startsWith("{\n  \"hooks\": {\n    \"SessionStart\": [\n      {\n")).toBe(true)
      expect(settings.endsWith("}\n")).toBe(true)
      const installed = Option.getOrThrow(yield* surfaces.installed(root))
      const dirs = installed.adapters.flatMap((adapter) => adapter.changes.filter((change) => change._tag === "DirectoryCreated"))
      expect(dirs.map((change) => change.path).sort()).toEqual([".claude", ".cursor", ".cursor/rules"])
      expect((yield* promise(() => stat(join(root, ".handover/installed.json")))).mode & 0o777).toBe(0o600)
      yield* surfaces.uninstall(root, "all")
      expect(yield* tree(root)).toEqual({})
    }).pipe(Effect.provide(TestSurfaces)))

  it.scopedLive("disables one adapter and keeps the other's entries; the rest restores the file exactly", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* withUsersFiles(root)
      const before = yield* tree(root)
      const surfaces = yield* Surfaces
      const both = [codex, { adapter: "agents", surfaces: [codex.surfaces[1]!] }]
      yield* surfaces.install(root, both)
      yield* surfaces.uninstall(root, ["codex"])
      expect(yield* read(root, ".codex/hooks.json")).toBe(usersFiles[".codex/hooks.json"])
      expect(yield* read(root, "AGENTS.md")).toContain("<!-- handover:begin -->")
      yield* surfaces.uninstall(root, ["agents"])
      expect(yield* tree(root)).toEqual(before)
    }).pipe(Effect.provide(TestSurfaces)))
})

describe("SurfacesLive uninstall after the user edited the files", () => {
  it.scopedLive("takes out only handover's entries, block and item, and keeps the user's edits", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* withUsersFiles(root)
      const surfaces = yield* Surfaces
      yield* surfaces.install(root, everyAdapter)
      const settings = JSON.parse(yield* read(root, ".claude/settings.local.json"))
      settings.env = { A: "1" }
      yield* write(root, ".claude/settings.local.json", JSON.stringify(settings, null, 3))
      yield* write(root, "AGENTS.md", `${yield* read(root, "AGENTS.md")}\r\nMore rules.\r\n`)
      yield* write(root, ".aider.conf.yml", (yield* read(root, ".aider.conf.yml")).replace("model: sonnet", "model: opus"))
      yield* write(root, ".gemini/settings.json", (yield* read(root, ".gemini/settings.json")).replace("\"dark\"", "\"light\""))
      const report = yield* surfaces.uninstall(root, "all")
      expect(report.filter((item) => item.outcome === "kept")).toEqual([])
      expect(JSON.parse(yield* read(root, ".claude/settings.local.json"))).toEqual({
        permissions: { allow: ["Bash(npm test)"] },
        hooks: { Stop: [{ hooks: [{ type: "command", command: "say done" }] }] },
        model: "opus",
        env: { A: "1" }
      })
      expect(yield* read(root, "AGENTS.md")).toBe("# Agents\r\n\r\nBe kind.\r\n\r\nMore rules.\r\n")
      expect(yield* read(root, ".aider.conf.yml")).toBe(usersFiles[".aider.conf.yml"]!.replace("model: sonnet", "model: opus"))
      expect(yield* read(root, ".gemini/settings.json")).toBe(usersFiles[".gemini/settings.json"]!.replace("\"dark\"", "\"light\""))
    }).pipe(Effect.provide(TestSurfaces)))

  it.scopedLive("keeps and reports an entry, a block or an owned file the user edited", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      const surfaces = yield* Surfaces
      yield* surfaces.install(root, [claude, codex, cursor])
      const settings = yield* read(root, ".claude/settings.local.json")
      yield* write(root, ".claude/settings.local.json", settings.replace("\"timeout\": 10", "\"timeout\": 20"))
      yield* write(root, "AGENTS.md", (yield* read(root, "AGENTS.md")).replace("run `handover pickup`", "run `handover pickup --target codex`"))
      yield* write(root, ".cursor/rules/handover.mdc", "my own rule now\n")
      const report = yield* surfaces.uninstall(root, "all")
      const kept = report.filter((item) => item.outcome === "kept").map((item) => `${item.adapter} ${item.path} ${item.what}`)
      expect(kept.sort()).toEqual([
        "claude .claude/settings.local.json entry in hooks.SessionStart",
        "codex AGENTS.md managed block",
        "cursor .cursor/rules/handover.mdc file"
      ])
      const left = JSON.parse(yield* read(root, ".claude/settings.local.json"))
      expect(Object.keys(left.hooks)).toEqual(["SessionStart"])
      expect(left.hooks.SessionStart[0].hooks[0].timeout).toBe(20)
      expect(yield* read(root, "AGENTS.md")).toContain("--target codex")
      expect(yield* read(root, ".cursor/rules/handover.mdc")).toBe("my own rule now\n")
      expect(Object.keys(yield* tree(root)).sort()).toEqual([
        ".claude",
        ".claude/settings.local.json",
        ".cursor",
        ".cursor/rules",
        ".cursor/rules/handover.mdc",
        "AGENTS.md"
      ])
    }).pipe(Effect.provide(TestSurfaces)))
})

describe("SurfacesLive refuses and writes nothing anywhere", () => {
  const refusedWithNothingWritten = (prepare: (root: string) => Effect.Effect<void>, expected: RegExp) =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* withUsersFiles(root)
      yield* prepare(root)
      const before = yield* tree(root)
      const store = yield* storeTree(root)
      const error = yield* Effect.flip((yield* Surfaces).install(root, everyAdapter))
      expect(error.message).toMatch(expected)
      expect(error.message).not.toContain("\n")
      expect(yield* tree(root)).toEqual(before)
      expect(yield* storeTree(root)).toEqual(store)
    }).pipe(Effect.provide(TestSurfaces))

  it.scopedLive("malformed JSON, named with its line and column", () =>
    refusedWithNothingWritten(
      (root) => write(root, ".gemini/settings.json", "{\n  \"theme\": \"dark\"\n  \"hooks\": {}\n}\n"),
      /^cannot edit \.gemini\/settings\.json: it is not valid JSON \(line 3, column 3: comma expected\); .*nothing was changed$/
    ))

  it.scopedLive("a symbolic link in place of a target", () =>
    refusedWithNothingWritten(
      (root) => promise(() => rm(join(root, "CONVENTIONS.md")).then(() => symlink("/etc/passwd", join(root, "CONVENTIONS.md")))),
      /^refusing to write CONVENTIONS\.md: it is a symbolic link \(to \/etc\/passwd\)/
    ))

  it.scopedLive("a symbolic link in place of a directory on the way", () =>
    refusedWithNothingWritten(
      (root) =>
        promise(async () => {
          await mkdir(join(root, "..", "elsewhere"))
          await symlink(join(root, "..", "elsewhere"), join(root, ".cursor"))
        }),
      /^refusing to write \.cursor: it is a symbolic link/
    ))

  it.scopedLive("a file of the user's where handover would create its own", () =>
    refusedWithNothingWritten(
      (root) => write(root, ".cursor/rules/handover.mdc", "mine\n"),
      /^cannot edit \.cursor\/rules\/handover\.mdc: a file handover did not write is already there; /
    ))

  it.scopedLive("a YAML shape it cannot edit safely", () =>
    refusedWithNothingWritten(
      (root) => write(root, ".aider.conf.yml", "read: STYLE.md\n"),
      /^cannot edit \.aider\.conf\.yml: read is a single value, not a list; /
    ))

  it.scopedLive("hooks that are not an object", () =>
    refusedWithNothingWritten(
      (root) => write(root, ".codex/hooks.json", "{ \"hooks\": [] }\n"),
      /^cannot edit \.codex\/hooks\.json: hooks is a JSON array, not an object; /
    ))
})

describe("SurfacesLive installed.json", () => {
  it.scopedLive("records each adapter's changes and, for a file that existed, its original bytes", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* withUsersFiles(root)
      const surfaces = yield* Surfaces
      yield* surfaces.install(root, [claude, aider])
      const installed = Option.getOrThrow(yield* surfaces.installed(root))
      expect(installed.adapters.map((adapter) => adapter.id)).toEqual(["claude", "aider"])
      expect(installed.adapters[0]!.changes.map((change) => change._tag)).toEqual(["JsonEntryAdded", "JsonEntryAdded", "JsonEntryAdded"])
      const record = installed.files.find((file) => file.path === ".aider.conf.yml")!
      expect(record.before?.text).toBe(usersFiles[".aider.conf.yml"])
    }).pipe(Effect.provide(TestSurfaces)))

  it.scopedLive("a hook entry the user already had is not recorded, so disable leaves it", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      const surfaces = yield* Surfaces
      const stop = (claude.surfaces[0] as Extract<Surface, { _tag: "JsonEntries" }>).entries[2]!
      const own = JSON.stringify({ hooks: { Stop: [stop.value] } }, null, 2) + "\n"
      yield* write(root, ".claude/settings.local.json", own)
      yield* surfaces.install(root, [claude])
      yield* write(root, ".claude/settings.local.json", (yield* read(root, ".claude/settings.local.json")) + "\n")
      yield* surfaces.uninstall(root, "all")
      expect(yield* read(root, ".claude/settings.local.json")).toBe(own + "\n")
    }).pipe(Effect.provide(TestSurfaces)))

  it.scopedLive("a corrupt installed.json is refused with its path", () =>
    Effect.gen(function*() {
      const root = yield* scratchRoot
      yield* write(root, ".handover/installed.json", JSON.stringify({ schemaVersion: 1, adapters: [], files: [{ path: "../outside", before: null, leftSha256: "0".repeat(64) }] }))
      const error = yield* Effect.flip((yield* Surfaces).uninstall(root, "all"))
      expect(error._tag).toBe("InstalledManifestCorrupt")
      expect(error.message).toContain("installed.json is corrupt (files.0.path")
    }).pipe(Effect.provide(TestSurfaces)))
})
