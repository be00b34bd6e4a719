import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { clip, clipAtWord, firstIssue } from "../../src/domain/Text.js"

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
