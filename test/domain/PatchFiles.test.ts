import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { makeSummarySplitter, parseDiffSummary } from "../../src/domain/PatchFiles.js"

// Output of `git diff --raw --numstat -z -M HEAD` (git 2.39) for a working tree with every kind of change, copied
// byte for byte: all raw records first, then all numstat records, every field NUL-terminated.
const raw = (modes: string, status: string, ...paths: ReadonlyArray<string>) => `:${modes} ${status}\0${paths.join("\0")}\0`
const numstat = (added: string, deleted: string, path: string) => `${added}\t${deleted}\t${path}\0`

const everyKind = [
  raw("100644 000000 286c5f5 0000000", "D", "del.txt"),
  raw("100644 100644 20b5be9 0000000", "M", "img.bin"),
  raw("000000 100644 0000000 d5f5c2a", "A", "line\nbreak.txt"),
  raw("100644 100644 0ff3bbb 0000000", "M", "mod.txt"),
  raw("000000 100644 0000000 45b983b", "A", "naïve café.txt"),
  raw("100644 100644 940a9ce 652fd8a", "R096", "old name.txt", "new name.txt"),
  raw("100644 100755 0ff3bbb 0000000", "M", "run.sh"),
  raw("100644 120000 1111111 2222222", "T", "link"),
  numstat("0", "1", "del.txt"),
  numstat("-", "-", "img.bin"),
  numstat("1", "0", "line\nbreak.txt"),
  numstat("12", "3", "mod.txt"),
  numstat("1", "0", "naïve café.txt"),
  "1\t0\t\0old name.txt\0new name.txt\0",
  numstat("0", "0", "run.sh"),
  numstat("1", "1", "link")
].join("")

describe("parseDiffSummary", () => {
  it.effect("reads every kind of change with its numbers", () =>
    Effect.sync(() => {
      expect(parseDiffSummary(everyKind)).toEqual({ gitlinks: [], files: [
        { path: "del.txt", status: "deleted", binary: false, added: 0, deleted: 1 },
        { path: "img.bin", status: "modified", binary: true },
        { path: "line\nbreak.txt", status: "added", binary: false, added: 1, deleted: 0 },
        { path: "mod.txt", status: "modified", binary: false, added: 12, deleted: 3 },
        { path: "naïve café.txt", status: "added", binary: false, added: 1, deleted: 0 },
        { path: "new name.txt", oldPath: "old name.txt", status: "renamed", binary: false, added: 1, deleted: 0 },
        { path: "run.sh", status: "modified", binary: false, added: 0, deleted: 0 },
        { path: "link", status: "typechange", binary: false, added: 1, deleted: 1 }
      ] })
    }))

  it.effect("a pure rename (R100) of a binary file", () =>
    Effect.sync(() => {
      const output = raw("100644 100644 20b5be9 20b5be9", "R100", "a b/pic.png", "c d/pic.png") +
        "-\t-\t\0a b/pic.png\0c d/pic.png\0"
      expect(parseDiffSummary(output).files).toEqual([
        { path: "c d/pic.png", oldPath: "a b/pic.png", status: "renamed", binary: true }
      ])
    }))

  it.effect("a file whose name looks like a numstat or raw record is still taken by position", () =>
    Effect.sync(() => {
      const output = raw("000000 100644 0000000 45b983b", "A", "1\t2\tx") +
        raw("000000 100644 0000000 45b983c", "A", ":odd") +
        numstat("3", "0", "1\t2\tx") +
        numstat("4", "0", ":odd")
      expect(parseDiffSummary(output).files).toEqual([
        { path: "1\t2\tx", status: "added", binary: false, added: 3, deleted: 0 },
        { path: ":odd", status: "added", binary: false, added: 4, deleted: 0 }
      ])
    }))

  it.effect("gitlinks (mode 160000 on either side) with the commit HEAD records and whether one is still there", () =>
    Effect.sync(() => {
      // `--no-abbrev` output of a dirty submodule, one moved to a new commit, a nested repository added as
      // intent-to-add, a removed submodule and one replaced by a file.
      const same = "f2b7c079623a9a159eb52e2c846f1da0922a5856"
      const other = "131066ff826c018257ecead2a0d64ba411371f97"
      const zero = "0".repeat(40)
      const output = raw(`160000 160000 ${same} ${same}`, "M", "sub/dirty") +
        raw(`160000 160000 ${same} ${other}`, "M", "sub/moved") +
        raw(`000000 160000 ${zero} ${zero}`, "A", "tools/nested") +
        raw(`160000 000000 ${same} ${zero}`, "D", "sub/removed") +
        raw(`160000 100644 ${same} ${zero}`, "T", "sub/now-a-file") +
        numstat("0", "0", "sub/dirty") +
        numstat("1", "1", "sub/moved") +
        numstat("1", "0", "tools/nested") +
        numstat("0", "1", "sub/removed") +
        numstat("1", "1", "sub/now-a-file")
      const summary = parseDiffSummary(output)
      expect(summary.files.map((file) => [file.path, file.status])).toEqual([
        ["sub/dirty", "modified"],
        ["sub/moved", "modified"],
        ["tools/nested", "added"],
        ["sub/removed", "deleted"],
        ["sub/now-a-file", "typechange"]
      ])
      expect(summary.gitlinks).toEqual([
        { path: "sub/dirty", recorded: same, present: true },
        { path: "sub/moved", recorded: same, present: true },
        { path: "tools/nested", recorded: null, present: true },
        { path: "sub/removed", recorded: same, present: false },
        { path: "sub/now-a-file", recorded: same, present: false }
      ])
    }))

  it.effect("no changes → no files", () =>
    Effect.sync(() => expect(parseDiffSummary("")).toEqual({ files: [], gitlinks: [] })))
})

/** Feeds the splitter `output` in chunks of `size` bytes; returns the patch it passed on and the summary. */
const split = (output: Uint8Array, size: number) => {
  const splitter = makeSummarySplitter()
  const passed: Array<Uint8Array> = []
  for (let at = 0; at < output.length; at += size) passed.push(splitter.push(output.subarray(at, at + size)))
  return { patch: Buffer.concat(passed).toString("latin1"), summary: splitter.finish() }
}

// A patch whose content holds lines that look like records and like diff headers: only the position of the
// empty record between the records and the patch counts.
const trickyPatch = [
  "diff --git a/1\t2\tx b/1\t2\tx",
  "new file mode 100644",
  "index 0000000..45b983b",
  "--- /dev/null",
  "+++ b/1\t2\tx",
  "@@ -0,0 +1,3 @@",
  "+diff --git a/evil b/evil",
  "+:100644 100644 0000000 0000000 M",
  "+\0",
  ""
].join("\n")

describe("makeSummarySplitter", () => {
  const records = raw("000000 100644 0000000 45b983b", "A", "1\t2\tx") +
    raw("000000 100644 0000000 45b983c", "A", ":odd") +
    raw("100644 100644 940a9ce 652fd8a", "R096", "tab at end\t", "new") +
    numstat("3", "0", "1\t2\tx") +
    numstat("4", "0", ":odd") +
    "1\t0\t\0tab at end\t\0new\0"
  const output = Buffer.from(`${records}\0${trickyPatch}`, "utf8")

  it.effect("passes the patch on untouched and keeps the records, however git's output is chunked", () =>
    Effect.sync(() => {
      for (const size of [1, 2, 3, 7, 64, output.length]) {
        const { patch, summary } = split(output, size)
        expect(patch).toBe(Buffer.from(trickyPatch, "utf8").toString("latin1"))
        expect(summary).toEqual(parseDiffSummary(records))
      }
      expect(split(output, 5).summary.files).toEqual([
        { path: "1\t2\tx", status: "added", binary: false, added: 3, deleted: 0 },
        { path: ":odd", status: "added", binary: false, added: 4, deleted: 0 },
        { path: "new", oldPath: "tab at end\t", status: "renamed", binary: false, added: 1, deleted: 0 }
      ])
    }))

  it.effect("a numstat record whose name ends with a tab is not taken for a rename's", () =>
    Effect.sync(() => {
      const output = raw("000000 100644 0000000 45b983b", "A", "x\t") + numstat("1", "0", "x\t") + "\0" + "diff --git a/x\t b/x\t\n"
      const { patch, summary } = split(Buffer.from(output), 4)
      expect(patch).toBe("diff --git a/x\t b/x\t\n")
      expect(summary.files).toEqual([{ path: "x\t", status: "added", binary: false, added: 1, deleted: 0 }])
    }))

  it.effect("no output at all (a clean working tree): no patch, no files", () =>
    Effect.sync(() => {
      const { patch, summary } = split(new Uint8Array(0), 1)
      expect(patch).toBe("")
      expect(summary).toEqual({ files: [], gitlinks: [] })
    }))

  it.effect("names that are not UTF-8 come through the records as git wrote them, decoded like before", () =>
    Effect.sync(() => {
      const name = Buffer.from([0x63, 0x61, 0x66, 0xe9]) // "caf" + Latin-1 é
      const output = Buffer.concat([
        Buffer.from(":000000 100644 0000000 45b983b A\0"), name, Buffer.from("\0"),
        Buffer.from("1\t0\t"), name, Buffer.from("\0\0"), Buffer.from("diff --git \"a/caf\\351\" \"b/caf\\351\"\n")
      ])
      const { patch, summary } = split(output, 3)
      expect(patch).toBe("diff --git \"a/caf\\351\" \"b/caf\\351\"\n")
      expect(summary.files).toEqual([{ path: "caf\ufffd", status: "added", binary: false, added: 1, deleted: 0 }])
    }))
})
