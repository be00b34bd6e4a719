import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { claudeSnapshot, codexSnapshot, missingSocketPath, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { daemonEnv, disposeInitTemplate, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt } from "../helpers/repo.js"

// `status --probe` asks the daemon like on-event would, and reports what it found; a missing daemon is a finding,
// not a failure.

beforeAll(() => assertCliBuilt())
afterAll(() => disposeInitTemplate())

interface ProbeReport {
  readonly probe: {
    readonly socketPath: string
    readonly health: { readonly daemonVersion: string | null; readonly apiVersion: string } | null
    readonly tools: ReadonlyArray<{
      readonly tool: string
      readonly observation: { readonly _tag: string; readonly reading?: { readonly _tag: string; readonly percent?: number } }
      readonly description: string
    }>
  }
}

describe("status --probe", () => {
  it("reports a healthy v1 daemon and the quota of claude and codex", async () => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({
      kind: "ok",
      readModel: readModelOf(claudeSnapshot({ fiveHour: 42 }), codexSnapshot({ primary: 77 }))
    })
    onTestFinished(() => daemon.close())
    const env = daemonEnv(daemon.socketPath)

    const human = await repo.cli(["status", "--probe"], { env })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain(daemon.socketPath)
    expect(human.stdout).toMatch(/ok \(daemon 0\.24\.4, api v1\)/)
    expect(human.stdout).toMatch(/claude 42% of 5h window/)
    expect(human.stdout).toMatch(/codex 77% of 5h window/)

    const json = await repo.cli(["status", "--probe", "--json"], { env })
    expect(json.code, json.stderr).toBe(0)
    const report = JSON.parse(json.stdout) as ProbeReport
    expect(report.probe.socketPath).toBe(daemon.socketPath)
    expect(report.probe.health).toEqual({ daemonVersion: "0.24.4", apiVersion: "v1" })
    const percentOf = (tool: string) =>
      report.probe.tools.find((entry) => entry.tool === tool)?.observation.reading?.percent
    expect(percentOf("claude")).toBe(42)
    expect(percentOf("codex")).toBe(77)

    // Guidance-only adapters (AGENTS.md, Windsurf's rules) have no quota: the probe does not list them.
    const withGuidance = await repo.cli(["status", "--probe", "--json", "--set", "adapters=claude,agents,windsurf"], { env })
    expect((JSON.parse(withGuidance.stdout) as ProbeReport).probe.tools.map((entry) => entry.tool)).toEqual(["claude"])
  })

  it("still exits 0 and says the daemon is unavailable when there is none", async () => {
    const repo = await repoForTest()
    const env = daemonEnv(missingSocketPath())

    const human = await repo.cli(["status", "--probe"], { env })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Daemon: .* unavailable/)

    const json = await repo.cli(["status", "--probe", "--json"], { env })
    expect(json.code, json.stderr).toBe(0)
    const report = JSON.parse(json.stdout) as ProbeReport
    expect(report.probe.health).toBeNull()
    expect(report.probe.tools.map((entry) => entry.observation._tag)).toEqual(["Unavailable", "Unavailable"])
  })

  it("says what is at openusage.socketPath when it is a regular file or a directory, not that a socket is stale", async () => {
    const repo = await repoForTest()
    await repo.write("not-a-socket/file.sock", "")
    for (const [path, kind] of [["not-a-socket/file.sock", "a regular file"], ["not-a-socket", "a directory"]] as const) {
      const human = await repo.cli(["status", "--probe", "--set", `openusage.socketPath=${join(repo.dir, path)}`])
      expect(human.code, human.stderr).toBe(0)
      expect(human.stdout).toContain(`${join(repo.dir, path)} (that path is ${kind}, not a socket)`)
      expect(human.stdout).not.toContain("stale")
    }
  })
})
