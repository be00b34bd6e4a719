import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { chooseAdapters } from "../../src/domain/AdapterChoice.js"
import { allAgents } from "../../src/domain/agents/registry.js"

const none = { requested: [], all: false, configured: null, found: [] } as const

describe("chooseAdapters", () => {
  it("takes the adapters asked for first, once each, whatever the config says", () => {
    expect(chooseAdapters({ ...none, requested: ["codex", "claude", "codex"], configured: ["gemini"] })).toEqual(
      Either.right({ ids: ["codex", "claude"], why: "as asked" })
    )
  })

  it("--all is every adapter in the registry's order", () => {
    const chosen = Either.getOrThrow(chooseAdapters({ ...none, all: true }))
    expect(chosen.ids).toEqual(allAgents.map((agent) => agent.id))
    expect(chosen.ids.slice(0, 3)).toEqual(["claude", "codex", "gemini"])
    expect(chosen.why).toBe("--all")
  })

  it("else the config's adapters, when a config source names them", () => {
    expect(chooseAdapters({ ...none, configured: ["gemini"], found: [{ id: "claude", reason: "claude on PATH" }] })).toEqual(
      Either.right({ ids: ["gemini"], why: "the config's adapters" })
    )
  })

  it("else the tools found on this machine, with why, plus AGENTS.md", () => {
    const chosen = Either.getOrThrow(chooseAdapters({ ...none, found: [{ id: "codex", reason: "~/.codex exists" }] }))
    expect(chosen.ids).toEqual(["codex", "agents"])
    expect(chosen.why).toBe("found on this machine: codex (~/.codex exists); and AGENTS.md, which many agents read")
    expect(Either.getOrThrow(chooseAdapters(none)).ids).toEqual(["agents"])
  })

  it("an unknown id is an error that names it, where it came from, and the known ids", () => {
    const asked = chooseAdapters({ ...none, requested: ["claude", "clade"] })
    expect(Either.isLeft(asked) && asked.left.message).toMatch(/^--adapter clade: no such adapter; known adapters: claude, codex, gemini/)
    const configured = chooseAdapters({ ...none, configured: ["nope"] })
    expect(Either.isLeft(configured) && configured.left.message).toMatch(/^adapters: nope: no such adapter/)
  })
})
