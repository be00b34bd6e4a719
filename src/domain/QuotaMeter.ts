import { formatPercent, type QuotaWindow } from "./Quota.js"
import type { Style } from "./Style.js"
import { printableLine } from "./Text.js"

// The quota meter of `status --probe` on a terminal: one bar per tool and window, so that a person sees at a glance
// how close each agent is to a handover. Piped, status prints the reading as text instead (describeReading).

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

/** When a window resets, compactly: "in 1h 12m", "in 3d 4h", "in 12m", "in under a minute"; "reset" once past. */
export const resetIn = (resetsAtMillis: number, nowMillis: number): string => {
  const left = resetsAtMillis - nowMillis
  if (left <= 0) return "reset"
  if (left < minute) return "in under a minute"
  if (left < hour) return `in ${Math.floor(left / minute)}m`
  if (left < day) return `in ${Math.floor(left / hour)}h ${Math.floor((left % hour) / minute)}m`
  return `in ${Math.floor(left / day)}d ${Math.floor((left % day) / hour)}h`
}

export interface MeterTool {
  readonly tool: string
  readonly windows: ReadonlyArray<QuotaWindow>
  /** The daemon says the account is rate limited. */
  readonly limited: boolean
}

export interface MeterInput {
  readonly tools: ReadonlyArray<MeterTool>
  /** trigger.thresholdPercent: where the mark stands, and from where a bar shows red. */
  readonly thresholdPercent: number
  readonly nowMillis: number
  /** The terminal's width: the bar shrinks to fit. */
  readonly columns: number
  readonly style: Style
}

/** Cells of the bar at its widest, and at its narrowest. */
const widestBar = 30
const narrowestBar = 10
/** A bar this close below the threshold shows yellow: the handover is near. */
const nearPoints = 15

/** The bar: filled cells for the used percent, the threshold's cell marked "│". */
export const meterBar = (percent: number, thresholdPercent: number, width: number, style: Style): string => {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width)
  const mark = Math.min(width - 1, Math.floor((thresholdPercent / 100) * width))
  const paint = percent >= thresholdPercent ? style.red : percent >= thresholdPercent - nearPoints ? style.yellow : style.green
  const cells = (from: number, to: number) => {
    const full = Math.min(to - from, Math.max(0, filled - from))
    return `${paint("█".repeat(full))}${style.dim("░".repeat(to - from - full))}`
  }
  return `${cells(0, mark)}${style.bold("│")}${cells(mark + 1, width)}`
}

/** One row per tool and window: tool, window, bar, used percent, when it resets, the metric. */
export const renderQuotaMeter = (input: MeterInput): ReadonlyArray<string> => {
  const { style } = input
  // The daemon names windows and metrics: escaped before they are measured and padded.
  const rows = input.tools.flatMap((tool) =>
    tool.windows.map((window) => ({
      tool: printableLine(tool.tool),
      label: printableLine(window.window ?? window.metric),
      metric: printableLine(window.metric),
      limited: tool.limited,
      window
    }))
  )
  const resets = rows.map((row) => {
    const resetsAt = row.window.resetsAt === null ? Number.NaN : Date.parse(row.window.resetsAt)
    return Number.isNaN(resetsAt) ? "" : `resets ${resetIn(resetsAt, input.nowMillis)}`
  })
  const widest = (texts: ReadonlyArray<string>) => Math.max(0, ...texts.map((text) => text.length))
  const toolWidth = widest(rows.map((row) => row.tool))
  const labelWidth = widest(rows.map((row) => row.label))
  const percentWidth = widest(rows.map((row) => formatPercent(row.window.percent)))
  const resetsWidth = widest(resets)
  const tailWidth = widest(rows.map((row) => `${row.metric}${row.limited ? "  LIMITED" : ""}`))
  // Five gaps of two and the indent; one column stays free so that no row wraps.
  const besideBar = 2 + toolWidth + labelWidth + percentWidth + resetsWidth + tailWidth + 5 * 2 + 1
  const barWidth = Math.max(narrowestBar, Math.min(widestBar, input.columns - besideBar))
  return rows.map((row, index) => {
    const percent = formatPercent(row.window.percent).padStart(percentWidth)
    return [
      `  ${style.bold(row.tool)}${" ".repeat(toolWidth - row.tool.length)}`,
      row.label.padEnd(labelWidth),
      meterBar(row.window.percent, input.thresholdPercent, barWidth, style),
      row.window.percent >= input.thresholdPercent ? style.red(percent) : percent,
      resets[index]!.padEnd(resetsWidth),
      `${style.dim(row.metric)}${row.limited ? `  ${style.red("LIMITED")}` : ""}`
    ].join("  ")
  })
}

/** What `status --probe` learnt from the daemon: its answer, and per tool the reading as text and its windows. */
export interface DaemonProbe {
  readonly socketPath: string
  /** null when the daemon could not be asked. */
  readonly health: { readonly daemonVersion: string | null; readonly apiVersion: string } | null
  readonly tools: ReadonlyArray<{ readonly description: string; readonly meter: MeterTool }>
  readonly nowMillis: number
}

/**
 * The daemon's lines of `status --probe`: on a terminal a bar per tool and window (a tool with no window known keeps
 * its line of text), elsewhere the readings as text.
 */
export const probeLines = (
  probe: DaemonProbe,
  thresholdPercent: number,
  stdout: { readonly isTTY: boolean; readonly columns: number; readonly style: Style }
): ReadonlyArray<string> => {
  const { style } = stdout
  const daemon = probe.health === null
    ? style.red("unavailable")
    : style.green(
      `ok (daemon ${printableLine(probe.health.daemonVersion ?? "?")}, api ${printableLine(probe.health.apiVersion || "(none)")})`
    )
  const asText = (tool: DaemonProbe["tools"][number]) => `  ${printableLine(tool.description)}`
  const measured = probe.tools.filter((tool) => tool.meter.windows.length > 0)
  const readings = stdout.isTTY
    ? [
      ...renderQuotaMeter({
        tools: measured.map((tool) => tool.meter),
        thresholdPercent,
        nowMillis: probe.nowMillis,
        columns: stdout.columns,
        style
      }),
      ...probe.tools.filter((tool) => !measured.includes(tool)).map(asText)
    ]
    : probe.tools.map(asText)
  return [`Daemon: ${printableLine(probe.socketPath)} — ${daemon}`, ...readings]
}
