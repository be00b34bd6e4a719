import { describe, expect, it } from "@effect/vitest"
import { type FlagValues, findMissingFlagValue, splitAtDoubleDash } from "../../src/domain/CommandLine.js"

// The flags of `handover capture`, as its usage lists them.
const capture: FlagValues = new Map([
  ["--title", "text"],
  ["--summary", "text"],
  ["--next-step", "text"],
  ["--json", null],
  ["--set", "text"]
])

describe("findMissingFlagValue", () => {
  it.each([
    { name: "the last flag on the line", args: ["--title"], flag: "--title" },
    { name: "a trailing flag after complete ones", args: ["--title", "T", "--summary"], flag: "--summary" },
    { name: "a repeatable flag at the end", args: ["--title", "T", "--next-step", "a", "--next-step"], flag: "--next-step" },
    { name: "a flag followed by another flag", args: ["--title", "--summary", "S"], flag: "--title" },
    { name: "a flag followed by a switch", args: ["--summary", "--json", "--title", "T"], flag: "--summary" },
    { name: "a flag followed by another flag written with =", args: ["--title", "--summary=S"], flag: "--title" },
    { name: "--flag= with nothing after the =", args: ["--title=", "--summary", "S"], flag: "--title" }
  ])("$name → $flag", ({ args, flag }) => {
    expect(findMissingFlagValue(args, capture)).toEqual({ flag, accepts: "text" })
  })

  it.each([
    { name: "every flag with its value", args: ["--title", "T", "--summary", "S", "--next-step", "a", "--json"] },
    { name: "values written with =", args: ["--title=T", "--set=bundles.keep=3"] },
    { name: "a value that looks like a flag of no command", args: ["--title", "--not-a-flag"] },
    { name: "a value that merely starts with a dash", args: ["--summary", "-1 point", "--title", "- T"] },
    { name: "a switch last on the line", args: ["--title", "T", "--json"] },
    { name: "flags after --, which are arguments", args: ["--title", "T", "--", "--summary"] },
    { name: "positional arguments", args: ["20261125T164500Z-7f3a"] }
  ])("$name → nothing missing", ({ args }) => {
    expect(findMissingFlagValue(args, capture)).toBeUndefined()
  })
})

describe("splitAtDoubleDash", () => {
  it("keeps everything after the first -- from the parser, later -- included", () => {
    expect(splitAtDoubleDash(["--claim", "--", "claude", "--model", "x", "--", "-p"])).toEqual({
      own: ["--claim"],
      command: ["claude", "--model", "x", "--", "-p"]
    })
  })

  it("without --, nothing is the command", () => {
    expect(splitAtDoubleDash(["--claim", "claude"])).toEqual({ own: ["--claim", "claude"], command: [] })
    expect(splitAtDoubleDash(["--"])).toEqual({ own: [], command: [] })
  })
})
