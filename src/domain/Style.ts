import type { BundleState } from "./Lifecycle.js"

// Colour and styles for people at a terminal (https://no-color.org and the common FORCE_COLOR), decided per stream.
// Styles wrap only handover's own words or text already escaped by printableLine/printableBlock: an SGR sequence is
// the one escape handover itself may write.

export interface StreamFacts {
  /** The stream is a terminal. */
  readonly isTTY: boolean
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * Whether a stream gets colour and styles: never when NO_COLOR is set to anything non-empty; always when FORCE_COLOR
 * is non-empty and not "0" (FORCE_COLOR=0 turns them off); otherwise only on a terminal.
 */
export const shouldStyle = ({ env, isTTY }: StreamFacts): boolean => {
  if ((env["NO_COLOR"] ?? "") !== "") return false
  const force = env["FORCE_COLOR"] ?? ""
  if (force === "0") return false
  if (force !== "") return true
  return isTTY
}

export interface Style {
  readonly styled: boolean
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly red: (text: string) => string
  readonly green: (text: string) => string
  readonly yellow: (text: string) => string
  readonly blue: (text: string) => string
  readonly cyan: (text: string) => string
}

/** One SGR attribute and the code that resets exactly it, so that styles nest. */
const sgr = (on: number, off: number) => (text: string) => text === "" ? "" : `\x1b[${on}m${text}\x1b[${off}m`

const same = (text: string) => text

export const plainStyle: Style = {
  styled: false,
  bold: same,
  dim: same,
  red: same,
  green: same,
  yellow: same,
  blue: same,
  cyan: same
}

export const ansiStyle: Style = {
  styled: true,
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  blue: sgr(34, 39),
  cyan: sgr(36, 39)
}

export const styleFor = (facts: StreamFacts): Style => shouldStyle(facts) ? ansiStyle : plainStyle

/** A bundle's state word, coloured for what it asks of the user: pending waits to be taken, the rest is history. */
export const paintState = (style: Style, state: BundleState, text: string = state): string => {
  switch (state) {
    case "pending":
      return style.bold(style.green(text))
    case "claimed":
      return style.cyan(text)
    case "superseded":
      return style.dim(text)
    case "expired":
      return style.yellow(text)
  }
}
