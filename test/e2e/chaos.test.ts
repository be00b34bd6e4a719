import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { assertCliBuilt, run } from "../helpers/repo.js"

// A short run of the fault-injection script (`npm run chaos` runs a long one): captures and pickups killed at chosen
// moments and at random times, the store checked after each kill and after the next command recovers it.

beforeAll(() => assertCliBuilt())

const script = fileURLToPath(new URL("../../scripts/chaos.mjs", import.meta.url))

describe("chaos", () => {
  it("kills captures and pickups mid-write: no half bundle, current one whole bundle, lock recovered, nothing left", async () => {
    const result = await run(process.execPath, [script, "--runs", "10", "--seed", "4242"], { cwd: process.cwd(), env: process.env })
    expect(result.stdout, result.stderr).toMatch(/^chaos: 10 runs \(seed 4242\), \d+ killed .*, 0 inconsistencies$/m)
    expect(result.stdout).not.toMatch(/, 0 killed/)
    expect(result.code, result.stdout).toBe(0)
  }, 240_000)
})
