import { describe, expect, it } from "@effect/vitest"
import { agentById } from "../../src/domain/agents/registry.js"
import { renderResumePrompt } from "../../src/domain/ResumeContext.js"
import { childEnv, type FoundHandover, planRun, type RunRequest, runTarget } from "../../src/domain/RunPlan.js"
import { makeBundle } from "../helpers/bundles.js"

const bundle = makeBundle({ title: `Fix "it" $(rm -rf /)\nsecond line` })
const found: FoundHandover = { root: "/work/project", bundle, claimed: false, freshness: [] }
const dir = `/work/project/.handover/bundles/${bundle.id}`

const request = (command: RunRequest["command"], overrides: Partial<RunRequest> = {}): RunRequest => ({
  command,
  parentEnv: { PATH: "/bin", HOME: "/home/u" },
  target: runTarget(command[0], undefined),
  prompt: false,
  ...overrides
})

describe("runTarget", () => {
  it("--target wins; else the agent whose launch program is CMD's file name, whatever its directory", () => {
    expect(runTarget("claude", "codex")).toMatchObject({ id: "codex", agent: { id: "codex" } })
    expect(runTarget("/usr/local/bin/cursor-agent", undefined)).toMatchObject({ id: "cursor", agent: { id: "cursor" } })
    expect(runTarget("./gemini", undefined).id).toBe("gemini")
    expect(runTarget("my-claude", undefined)).toEqual({ id: undefined, agent: undefined })
    expect(runTarget("claude", "nobody")).toEqual({ id: "nobody", agent: undefined })
  })
})

describe("childEnv", () => {
  it("points at the bundle's directory, summary and patch by absolute path", () => {
    expect(childEnv({ PATH: "/bin" }, found)).toEqual({
      PATH: "/bin",
      HANDOVER_BUNDLE: dir,
      HANDOVER_BUNDLE_ID: bundle.id,
      HANDOVER_SUMMARY: `${dir}/summary.md`,
      HANDOVER_PATCH: `${dir}/workspace.patch`
    })
  })

  it("drops inherited handover variables, also when there is no handover; keeps handover's config variables", () => {
    const parent = {
      PATH: "/bin",
      HANDOVER_BUNDLE: "/stale",
      HANDOVER_BUNDLE_ID: "old",
      HANDOVER_SUMMARY: "/stale/summary.md",
      HANDOVER_PATCH: "/stale/workspace.patch",
      HANDOVER_BUNDLES_KEEP: "3",
      UNSET: undefined
    }
    expect(childEnv(parent, null)).toEqual({ PATH: "/bin", HANDOVER_BUNDLES_KEEP: "3" })
    expect(childEnv(parent, found).HANDOVER_BUNDLE).toBe(dir)
  })
})

describe("planRun", () => {
  it("without a handover: CMD ARGS… as given, no notes, no prompt even when asked", () => {
    const plan = planRun(request(["claude", "--model", "x"], { prompt: true }), null)
    expect(plan).toEqual({ program: "claude", args: ["--model", "x"], env: { PATH: "/bin", HOME: "/home/u" }, notes: [] })
  })

  it("with a handover: one note naming the bundle (escaped) and whether it was claimed", () => {
    const pending = planRun(request(["codex"]), found)
    expect(pending.notes).toEqual([
      `handover: bundle ${bundle.id} "Fix "it" $(rm -rf /)\\nsecond line", pending (not claimed: --claim takes it); its files are in $HANDOVER_BUNDLE`
    ])
    const claimed = planRun(request(["codex"]), {
      ...found,
      claimed: true,
      bundle: { ...bundle, claim: { by: "codex", at: "2026-11-25T17:00:00.000Z" } }
    })
    expect(claimed.notes[0]).toContain("claimed by codex;")
    expect(claimed.args).toEqual([])
  })

  it("--prompt appends the adapter's prompt flags and the resume prompt as one element, ARGS first", () => {
    const gemini = agentById("gemini")!
    const prompt = renderResumePrompt(bundle, "/work/project/.handover", gemini)
    expect(prompt).toContain("\n")
    const plan = planRun(request(["/opt/bin/gemini", "--model", "x"], { prompt: true }), found)
    expect(plan.args).toEqual(["--model", "x", "-i", prompt])
    expect(plan.notes).toHaveLength(1)
    // Claude Code takes the prompt as its first positional argument: no flag.
    const claude = planRun(request(["claude"], { prompt: true }), found)
    expect(claude.args).toEqual([renderResumePrompt(bundle, "/work/project/.handover", agentById("claude")!)])
  })

  it("--prompt for an unknown tool or one without a command-line prompt: a note, ARGS unchanged", () => {
    const unknown = planRun(request(["./agent", "a"], { prompt: true }), found)
    expect(unknown.args).toEqual(["a"])
    expect(unknown.notes[1]).toBe("handover: --prompt: cannot tell which tool agent is; name it with --target; starting agent without a prompt")
    const named = planRun(request(["agent"], { prompt: true, target: runTarget("agent", "nobody") }), found)
    expect(named.notes[1]).toContain("handover knows no tool nobody")
    const kilo = planRun(request(["kilo"], { prompt: true, target: runTarget("kilo", "kilo") }), found)
    expect(kilo.args).toEqual([])
    expect(kilo.notes[1]).toContain("Kilo")
    expect(kilo.notes[1]).toContain("takes no initial prompt")
  })

  it("the freshness lines follow the bundle's note and reach the prompt too", () => {
    const freshness = ["captured 2 h 5 min ago", "HEAD moved: 3 commits since the capture (abc1234 → def5678)"]
    const plan = planRun(request(["claude"], { prompt: true }), { ...found, freshness })
    expect(plan.notes.slice(1)).toEqual(freshness.map((line) => `handover: ${line}`))
    expect(plan.args[0]).toContain(`Freshness: ${freshness.join("; ")}.`)
  })

  it("a claimed bundle's prompt says it is taken over and how to apply the patch, not to pick it up again", () => {
    const claimedBundle = { ...bundle, claim: { by: "claude", at: "2026-11-25T17:00:00.000Z" } }
    const [prompt] = planRun(request(["claude"], { prompt: true }), { ...found, claimed: true, bundle: claimedBundle }).args
    expect(prompt).toContain("claimed by claude at 2026-11-25T17:00:00.000Z")
    expect(prompt).toContain(`handover pickup ${bundle.id} --apply`)
    expect(prompt).not.toContain("first run `handover pickup")
    const [pendingPrompt] = planRun(request(["claude"], { prompt: true }), found).args
    expect(pendingPrompt).toContain("first run `handover pickup --target claude`")
  })
})
