import type { UsageMetric } from "./OpenUsage.js"

// No `effect` import: the hook gate (src/gate) bundles this too.

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === "number" && Number.isFinite(value)

/** Used percent of one metric, clamped to 0..100; undefined when the metric does not say. */
export const metricPercent = (metric: UsageMetric): number | undefined => {
  const { limit, remaining, used } = metric
  let percent: number | undefined
  if (metric.unit === "%" && isNumber(used)) percent = used
  else if (isNumber(limit) && limit > 0 && isNumber(remaining)) percent = ((limit - remaining) / limit) * 100
  else if (isNumber(limit) && limit > 0 && isNumber(used)) percent = (used / limit) * 100
  return percent === undefined ? undefined : Math.min(100, Math.max(0, percent))
}
