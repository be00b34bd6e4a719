import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import {
  type AdapterSurfaces,
  decodeInstalled,
  emptyInstalled,
  encodeInstalled,
  type FileReading,
  type Installed,
  isRepoPath,
  planInstall,
  planUninstall
} from "../../src/domain/Install.js"
import {
  addBlock,
  addJsonEntry,
  addYamlItem,
  isEmptyJsonDocument,
  removeBlock,
  removeJsonEntry,
  removeYamlItem
} from "../../src/domain/SurfaceEdits.js"

const entry = { hooks: [{ type: "command", command: "handover on-event", timeout: 30 }] }

const added = (result: Either.Either<{ readonly text: string; readonly added: boolean }, unknown>) => {
  if (Either.isLeft(result)) throw new Error(`refused: ${JSON.stringify(result.left)}`)
  return result.right
}

const removed = (removal: { readonly _tag: string; readonly text?: string }) => {
  if (removal._tag !== "Removed") throw new Error(`not removed: ${removal._tag}`)
  return removal.text!
}

/** Adding then removing gives back the text exactly. */
const roundTrips = (text: string, at: ReadonlyArray<string>, value: unknown = entry) => {
  const grown = added(addJsonEntry(text, at, value))
  expect(grown.added).toBe(true)
  expect(removed(removeJsonEntry(grown.text, at, value, text))).toBe(text)
  return grown.text
}

describe("addJsonEntry and removeJsonEntry", () => {
  it("append to an existing array on lines of their own, at the siblings' indentation, and take it back exactly", () => {
    const text = "{\n    \"hooks\": {\n        \"Stop\": [\n            {\"hooks\": []}\n        ]\n    }\n}\n"
    expect(roundTrips(text, ["hooks", "Stop"])).toBe(
      "{\n    \"hooks\": {\n        \"Stop\": [\n            {\"hooks\": []},\n            {\n                \"hooks\": [\n                    {\n                        \"type\": \"command\",\n                        \"command\": \"handover on-event\",\n                        \"timeout\": 30\n                    }\n                ]\n            }\n        ]\n    }\n}\n"
    )
  })

  it("stay on one line in a one-line array", () => {
    expect(roundTrips("{\"a\": [1, 2]}", ["a"], 3)).toBe("{\"a\": [1, 2, 3]}")
  })

  it("fill an empty array, create missing keys, and take away only what they created", () => {
    expect(roundTrips("{\n\t\"a\": []\n}", ["a"], 1)).toBe("{\n\t\"a\": [\n\t\t1\n\t]\n}")
    expect(roundTrips("{\r\n  \"x\": 1\r\n}\r\n", ["hooks", "Stop"], 1)).toBe(
      "{\r\n  \"x\": 1,\r\n  \"hooks\": {\r\n    \"Stop\": [\r\n      1\r\n    ]\r\n  }\r\n}\r\n"
    )
    expect(roundTrips("{}", ["hooks", "Stop"], 1)).toBe("{\n  \"hooks\": {\n    \"Stop\": [\n      1\n    ]\n  }\n}")
  })

  it("keep comments around the user's entries", () => {
    const text = "// top\n{\n  \"a\": [\n    1 // one\n  ] /* after */\n}\n"
    expect(roundTrips(text, ["a"], 2)).toBe("// top\n{\n  \"a\": [\n    1,\n    2 // one\n  ] /* after */\n}\n")
  })

  it("do not add an entry that is there already, whatever its key order", () => {
    const text = JSON.stringify({ hooks: { Stop: [{ hooks: [{ timeout: 30, command: "handover on-event", type: "command" }] }] } })
    expect(added(addJsonEntry(text, ["hooks", "Stop"], entry))).toEqual({ text, added: false })
  })

  it("write a new document with two spaces and a trailing newline", () => {
    expect(added(addJsonEntry("", ["a"], 1)).text).toBe("{\n  \"a\": [\n    1\n  ]\n}\n")
  })

  it("refuse malformed JSON with its line and column, and a document of the wrong shape", () => {
    const refusal = (text: string, at: ReadonlyArray<string> = ["a"]) => Either.getLeft(addJsonEntry(text, at, 1)).pipe((left) => left._tag === "Some" ? left.value.reason : "")
    expect(refusal("{\n  \"a\": [1,]\n}")).toBe("it is not valid JSON (line 2, column 11: value expected)")
    expect(refusal("{\"a\": 1")).toBe("it is not valid JSON (line 1, column 8: close brace expected)")
    expect(refusal("[1]")).toBe("its top level is not a JSON object")
    expect(refusal("{\"a\": {}}")).toBe("a is a JSON object, not an array")
    expect(refusal("{\"a\": 1}", ["a", "b"])).toBe("a is a JSON number, not an object")
  })

  it("report an entry that is no longer there, and malformed JSON, rather than guess", () => {
    expect(removeJsonEntry("{\"a\": [2]}", ["a"], 1, null)._tag).toBe("Missing")
    expect(removeJsonEntry("{\"a\": [1,,]}", ["a"], 1, null)._tag).toBe("Unreadable")
  })
})

describe("addBlock and removeBlock", () => {
  const block = "<!-- handover:begin -->\n<!-- Managed by handover: `handover disable` removes this block; edit outside it. -->\nRun handover pending.\n<!-- handover:end -->"

  it("append after the user's content with exactly one blank line, and take it back exactly", () => {
    for (const text of ["# Mine\n", "# Mine\n\n\n", "# Mine"]) {
      const grown = Either.getOrThrow(addBlock(text, "AGENTS.md", "Run handover pending."))
      expect(grown).toBe(`# Mine\n\n${block}\n`)
      expect(removed(removeBlock(grown, "AGENTS.md", "Run handover pending."))).toBe("# Mine\n")
    }
    expect(Either.getOrThrow(addBlock(null, "AGENTS.md", "Run handover pending.\n"))).toBe(`${block}\n`)
  })

  it("replace a block in place, and refuse a begin marker without an end", () => {
    const text = `# Mine\n\n${block}\n\nMore.\n`
    expect(Either.getOrThrow(addBlock(text, "AGENTS.md", "New text."))).toBe(text.replace("Run handover pending.", "New text."))
    expect(Either.isLeft(addBlock("<!-- handover:begin -->\nx\n", "AGENTS.md", "y"))).toBe(true)
  })

  it("keep a block whose content was edited", () => {
    const text = `# Mine\n\n${block.replace("pending", "status")}\n`
    expect(removeBlock(text, "AGENTS.md", "Run handover pending.")._tag).toBe("Edited")
  })

  it("use # markers in YAML", () => {
    expect(Either.getOrThrow(addBlock(null, "x.yml", "a: 1"))).toMatch(/^# handover:begin\n# Managed by handover[^\n]*\na: 1\n# handover:end\n$/)
  })
})

describe("addYamlItem and removeYamlItem", () => {
  const roundTripsYaml = (text: string | null, expected: string) => {
    const grown = added(addYamlItem(text, "read", "CONVENTIONS.md"))
    expect(grown.text).toBe(expected)
    expect(added(addYamlItem(grown.text, "read", "CONVENTIONS.md"))).toEqual({ text: expected, added: false })
    expect(removed(removeYamlItem(grown.text, "read", "CONVENTIONS.md", text))).toBe(text ?? "")
  }

  it("edit a flow list on its line and take it back exactly", () => {
    roundTripsYaml("read: [STYLE.md]  # mine\nmodel: x\n", "read: [STYLE.md, CONVENTIONS.md]  # mine\nmodel: x\n")
    roundTripsYaml("read: []\n", "read: [CONVENTIONS.md]\n")
    roundTripsYaml("read: [ 'a b' ,STYLE.md]\n", "read: [ 'a b' ,STYLE.md, CONVENTIONS.md]\n")
  })

  it("edit a block list at its own indentation", () => {
    roundTripsYaml("read:\n- STYLE.md\nmodel: x\n", "read:\n- STYLE.md\n- CONVENTIONS.md\nmodel: x\n")
    roundTripsYaml("read:\r\n    - \"STYLE.md\"\r\n", "read:\r\n    - \"STYLE.md\"\r\n    - CONVENTIONS.md\r\n")
  })

  it("add the key when missing, and take the key away with the item", () => {
    roundTripsYaml("model: x\n", "model: x\nread:\n  - CONVENTIONS.md\n")
    roundTripsYaml(null, "read:\n  - CONVENTIONS.md\n")
  })

  it("refuse shapes it cannot edit safely", () => {
    for (const text of ["read: STYLE.md\n", "read: [a, [b]]\n", "read:\n  - {a: 1}\n", "read:\n  - a\n    b\n", "read: [a]\nread: [b]\n", "read: [a,\n  b]\n"]) {
      expect(Either.isLeft(addYamlItem(text, "read", "CONVENTIONS.md")), text).toBe(true)
    }
  })
})

describe("planInstall and planUninstall", () => {
  const claude: AdapterSurfaces = {
    adapter: "claude",
    surfaces: [{ _tag: "JsonEntries", path: ".claude/settings.json", entries: [{ at: ["hooks", "Stop"], value: entry }] }]
  }
  const cursor: AdapterSurfaces = { adapter: "cursor", surfaces: [{ _tag: "OwnedFile", path: ".cursor/rules/h.mdc", content: "rule\n" }] }
  const reading = (path: string, text: string | null, missingDirs: ReadonlyArray<string> = []): [string, FileReading] => [path, { path, text, missingDirs }]

  const install = (installed: Installed, readings: ReadonlyArray<[string, FileReading]>) =>
    Either.getOrThrow(planInstall(installed, [claude, cursor], new Map(readings)))

  const first = install(emptyInstalled, [
    reading(".claude/settings.json", "{\"model\": \"x\"}\n"),
    reading(".cursor/rules/h.mdc", null, [".cursor", ".cursor/rules"])
  ])
  const installed = first.installed!
  const written = new Map(first.writes.map((write) => [write.path, write.text]))

  it("write the files, create the directories and record both", () => {
    expect(first.createDirs).toEqual([".cursor", ".cursor/rules"])
    expect(written.get(".cursor/rules/h.mdc")).toBe("rule\n")
    expect(installed.adapters.map((adapter) => [adapter.id, adapter.changes.map((change) => change._tag)])).toEqual([
      ["claude", ["JsonEntryAdded"]],
      ["cursor", ["FileCreated", "DirectoryCreated", "DirectoryCreated"]]
    ])
    expect(installed.files.map((file) => [file.path, file.before?.text ?? null])).toEqual([
      [".claude/settings.json", "{\"model\": \"x\"}\n"],
      [".cursor/rules/h.mdc", null]
    ])
    expect(Either.getOrThrow(decodeInstalled(encodeInstalled(installed)))).toEqual(installed)
  })

  it("change nothing the second time", () => {
    const again = install(installed, [...written].map(([path, text]) => reading(path, text)))
    expect(again.writes).toEqual([])
    expect(again.installed).toEqual(installed)
  })

  it("restore files as handover left them byte for byte, and remove the created ones and their directories", () => {
    const plan = planUninstall(installed, "all", written)
    expect(plan.writes).toEqual([
      { path: ".claude/settings.json", text: "{\"model\": \"x\"}\n" },
      { path: ".cursor/rules/h.mdc", text: null }
    ])
    expect(plan.removeDirs).toEqual([".cursor/rules", ".cursor"])
    expect(plan.installed).toBeNull()
  })

  it("keep the user's edits made since, and the record of adapters that stay", () => {
    const edited = new Map(written).set(".claude/settings.json", written.get(".claude/settings.json")!.replace("\"x\"", "\"y\""))
    const plan = planUninstall(installed, ["claude"], edited)
    expect(plan.writes).toEqual([{ path: ".claude/settings.json", text: "{\"model\": \"y\"}\n" }])
    expect(plan.report).toEqual([{ adapter: "claude", path: ".claude/settings.json", what: "entry in hooks.Stop", outcome: "removed" }])
    expect(plan.installed?.adapters.map((adapter) => adapter.id)).toEqual(["cursor"])
    expect(plan.removeDirs).toEqual([])
  })

  it("report a file the user deleted, and write nothing for it", () => {
    const plan = planUninstall(installed, ["cursor"], new Map(written).set(".cursor/rules/h.mdc", null))
    expect(plan.writes).toEqual([])
    expect(plan.report[0]).toMatchObject({ outcome: "gone", why: "the file is gone" })
  })

  it("remember edits made between two installs as the user's", () => {
    const between = written.get(".claude/settings.json")!.replace("\"x\"", "\"z\"")
    const again = install(installed, [...new Map(written).set(".claude/settings.json", between)].map(([path, text]) => reading(path, text)))
    expect(again.installed!.files[0]!.before?.text).toBe("{\"model\": \"z\"}\n")
  })

  it("accept only relative paths inside the repository, outside .git and the store", () => {
    for (const path of [".claude/settings.json", "AGENTS.md", ".github/hooks/handover.json"]) expect(isRepoPath(path), path).toBe(true)
    for (const path of ["/etc/passwd", "../x", "a/../b", "./a", "a//b", ".git/hooks/pre-commit", ".handover/config.json", "a\\b", ""]) {
      expect(isRepoPath(path), path).toBe(false)
    }
  })
})

describe("isEmptyJsonDocument: a file handover created is deleted on disable when nothing of the user's is left", () => {
  it("empty, {}, or only the $ keys tools write into their own settings", () => {
    for (const text of ["", "{}\n", "{\n  \"$version\": 4\n}\n", "{\"$schema\": \"x\", \"$version\": 4}"]) {
      expect(isEmptyJsonDocument(text), text).toBe(true)
    }
  })

  it("not with a key of the user's, a comment, or something that is not an object", () => {
    for (const text of ["{\"$version\": 4, \"model\": \"m\"}", "{\n  // mine\n  \"$version\": 4\n}", "[]", "{ broken"]) {
      expect(isEmptyJsonDocument(text), text).toBe(false)
    }
  })
})
