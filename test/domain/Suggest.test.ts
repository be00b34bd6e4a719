import { describe, expect, it } from "@effect/vitest"
import { editDistance, nearest } from "../../src/domain/Suggest.js"

const commands = ["init", "enable", "install", "disable", "adapters", "capture", "pending", "pickup", "run", "status", "inspect"]

describe("editDistance", () => {
  it.each([
    ["captur", "capture", 1],
    ["ipckup", "pickup", 1],
    ["pikcup", "pickup", 1],
    ["status", "status", 0],
    ["", "run", 3],
    ["kitten", "sitting", 3]
  ])("%s → %s: %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })
})

describe("nearest", () => {
  it.each([
    { typed: "captur", expected: "capture" },
    { typed: "pikcup", expected: "pickup" },
    { typed: "stauts", expected: "status" },
    { typed: "CAPTURE", expected: "capture" },
    { typed: "rn", expected: "run" },
    { typed: "insp", expected: "inspect" }
  ])("$typed → $expected", ({ expected, typed }) => {
    expect(nearest(typed, commands)).toBe(expected)
  })

  it("compares flags without their dashes and suggests them with", () => {
    expect(nearest("--aply", ["--target", "--apply", "--3way", "--index"])).toBe("--apply")
    expect(nearest("-apply", ["--target", "--apply"])).toBe("--apply")
  })

  it.each(["frobnicate", "xyz", "--frobnicate", "in", ""])("nothing close to '%s': no suggestion", (typed) => {
    expect(nearest(typed, [...commands, "--format", "--apply"])).toBeUndefined()
  })

  it("an ambiguous beginning suggests nothing rather than a guess", () => {
    expect(nearest("pic", ["pickup", "picture"])).toBeUndefined()
  })
})
