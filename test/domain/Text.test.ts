import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { clip, clipAtWord, firstIssue, printableBlock, printableLine } from "../../src/domain/Text.js"

describe("clip", () => {
  it("leaves short text alone and cuts long text to the limit, ending in an ellipsis", () => {
    expect(clip("short", 10)).toBe("short")
    const cut = clip("abcdefghij klmnop", 8)
    expect(cut).toBe("abcdefg…")
    expect(cut.length).toBeLessThanOrEqual(8)
  })

  it("never cuts through a surrogate pair", () => {
    const cut = clip("ab😀cd", 4)
    expect(cut).toBe("ab…")
    expect(() => encodeURIComponent(cut)).not.toThrow()
  })
})

describe("clipAtWord", () => {
  it("cuts between words, ending in an ellipsis within the limit", () => {
    expect(clipAtWord("short text", 10)).toBe("short text")
    expect(clipAtWord("the quick brown fox", 14)).toBe("the quick…")
    // The limit falls right after a whole word: that word stays.
    expect(clipAtWord("the quick brown fox", 11)).toBe("the quick…")
    expect(clipAtWord("the quick brown fox", 14).length).toBeLessThanOrEqual(14)
  })

  it("a single word longer than the limit is cut like clip", () => {
    expect(clipAtWord("abcdefghijklmnop rest", 8)).toBe("abcdefg…")
  })
})

describe("firstIssue", () => {
  const decode = Schema.decodeUnknownEither(Schema.Struct({ trigger: Schema.Struct({ percent: Schema.Number }) }))
  const issue = (input: unknown) => {
    const result = decode(input)
    if (Either.isRight(result)) throw new Error("expected a decode failure")
    return firstIssue(result.left)
  }

  it("names the dotted field and what is wrong with it", () => {
    expect(issue({ trigger: { percent: "high" } })).toEqual({
      field: "trigger.percent",
      reason: "Expected number, actual \"high\""
    })
  })

  it("keeps a whole-object mismatch, which quotes the whole schema, on one short line", () => {
    const wide = Schema.Struct(Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`someRatherLongFieldName${i}`, Schema.String])
    ))
    const result = Schema.decodeUnknownEither(wide)("not an object")
    if (Either.isRight(result)) throw new Error("expected a decode failure")
    expect(result.left.message.length).toBeGreaterThan(160)
    const { reason } = firstIssue(result.left)
    expect(reason).not.toContain("\n")
    expect(reason.length).toBeLessThanOrEqual(160)
  })
})

describe("printableLine and printableBlock", () => {
  // Nothing a terminal acts on survives: no C0 or C1 control, no DEL, no bidi embedding, override or isolate.
  const actsOnTerminal = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
  const attacks = [
    "clear\u001b[2J\u001b[H",
    "link \u001b]8;;https://evil.example\u001b\\here\u001b]8;;\u001b\\",
    "clipboard \u001b]52;c;cm0gLXJmIH4=\u0007",
    "one-byte CSI \u009b31m and DEL \u007f and NUL \u0000",
    "overwrite\rfake line",
    "access\u202e\u2066 reversed \u2069\u202c"
  ]

  it("show every control character of a one-line field as a visible escape, newlines and tabs included", () => {
    expect(printableLine("Fix\u001b[2J the\nparser\tnow\r")).toBe("Fix\\x1b[2J the\\nparser\\tnow\\r")
    expect(printableLine("C1 \u009b and \u0085, bidi \u202e and \u2067")).toBe("C1 \\x9b and \\x85, bidi \\u202e and \\u2067")
    for (const attack of attacks) {
      const shown = printableLine(attack)
      expect(shown).not.toMatch(actsOnTerminal)
      expect(shown.split("\n")).toHaveLength(1)
    }
  })

  it("keep the lines and tabs of a multi-line field, and only those", () => {
    expect(printableBlock("first line\r\n\tindented\nlast\u001b[31m red")).toBe("first line\n\tindented\nlast\\x1b[31m red")
    expect(printableBlock("a lone \r rewinds the line")).toBe("a lone \\r rewinds the line")
    for (const attack of attacks) expect(printableBlock(attack)).not.toMatch(actsOnTerminal)
  })

  it("leave ordinary text alone, accents, emoji and other scripts included", () => {
    const text = "Café — naïve 😀 日本語 עברית"
    expect(printableLine(text)).toBe(text)
    expect(printableBlock(`${text}\n\t${text}`)).toBe(`${text}\n\t${text}`)
  })
})
