import { describe, expect, it } from "@effect/vitest"
import { ansiStyle, paintState, plainStyle, shouldStyle, styleFor } from "../../src/domain/Style.js"

// https://no-color.org and FORCE_COLOR, decided per stream: every combination of a terminal or not and the two
// variables unset, empty or set.

const values = { unset: undefined, empty: "", one: "1", zero: "0", three: "3" } as const
type Value = keyof typeof values

const envOf = (noColor: Value, forceColor: Value) => ({ NO_COLOR: values[noColor], FORCE_COLOR: values[forceColor] })

describe("shouldStyle", () => {
  const all: ReadonlyArray<Value> = ["unset", "empty", "one", "zero", "three"]
  const cases = [true, false].flatMap((isTTY) =>
    all.flatMap((noColor) => all.map((forceColor) => ({ isTTY, noColor, forceColor })))
  )

  it.each(cases.filter((c) => c.noColor === "one" || c.noColor === "zero" || c.noColor === "three"))(
    "NO_COLOR=$noColor (non-empty) wins over everything: tty $isTTY, FORCE_COLOR $forceColor → plain",
    ({ forceColor, isTTY, noColor }) => expect(shouldStyle({ isTTY, env: envOf(noColor, forceColor) })).toBe(false)
  )

  const noColorOff = cases.filter((c) => c.noColor === "unset" || c.noColor === "empty")

  it.each(noColorOff.filter((c) => c.forceColor === "one" || c.forceColor === "three"))(
    "FORCE_COLOR=$forceColor forces styles, terminal or not (tty $isTTY, NO_COLOR $noColor)",
    ({ forceColor, isTTY, noColor }) => expect(shouldStyle({ isTTY, env: envOf(noColor, forceColor) })).toBe(true)
  )

  it.each(noColorOff.filter((c) => c.forceColor === "zero"))(
    "FORCE_COLOR=0 turns styles off, even on a terminal (tty $isTTY, NO_COLOR $noColor)",
    ({ forceColor, isTTY, noColor }) => expect(shouldStyle({ isTTY, env: envOf(noColor, forceColor) })).toBe(false)
  )

  it.each(noColorOff.filter((c) => c.forceColor === "unset" || c.forceColor === "empty"))(
    "otherwise styled exactly on a terminal (tty $isTTY, NO_COLOR $noColor, FORCE_COLOR $forceColor)",
    ({ forceColor, isTTY, noColor }) => expect(shouldStyle({ isTTY, env: envOf(noColor, forceColor) })).toBe(isTTY)
  )
})

describe("styles", () => {
  it("write SGR sequences that reset only their own attribute, so they nest", () => {
    expect(ansiStyle.red("x")).toBe("\x1b[31mx\x1b[39m")
    expect(ansiStyle.bold(ansiStyle.green("pending"))).toBe("\x1b[1m\x1b[32mpending\x1b[39m\x1b[22m")
    expect(ansiStyle.dim("")).toBe("")
  })

  it("are no-ops when unstyled", () => {
    for (const paint of [plainStyle.bold, plainStyle.dim, plainStyle.red, plainStyle.green, plainStyle.yellow, plainStyle.blue, plainStyle.cyan]) {
      expect(paint("text \\x1b")).toBe("text \\x1b")
    }
    expect(styleFor({ isTTY: false, env: {} })).toBe(plainStyle)
    expect(styleFor({ isTTY: true, env: {} })).toBe(ansiStyle)
  })

  it("colour each bundle state its own way, and nothing when plain", () => {
    const painted = (["pending", "claimed", "superseded", "expired"] as const).map((state) => paintState(ansiStyle, state))
    expect(new Set(painted).size).toBe(4)
    expect(painted.every((text) => text.includes("\x1b["))).toBe(true)
    expect(paintState(plainStyle, "expired")).toBe("expired")
    expect(paintState(plainStyle, "claimed", "Claimed")).toBe("Claimed")
  })
})
