import { describe, expect, it } from "vitest"
import { guidanceText } from "../../../src/domain/agents/guidance.js"
import { agentById } from "../../../src/domain/agents/registry.js"
import type { Surface } from "../../../src/domain/Surfaces.js"

const surfacesOf = (id: string): ReadonlyArray<Surface> =>
  agentById(id)!.surfaces({ handoverPath: "/usr/local/bin/handover", shared: false })

describe("guidanceText", () => {
  const text = guidanceText("cursor")

  it("tells how to find and claim a pending handover, as that tool", () => {
    expect(text).toContain("`handover pending`")
    expect(text).toContain("`handover pickup --target cursor`")
    expect(text).toContain(".handover/current/summary.md")
    expect(text).toContain(".handover/current/workspace.patch")
    expect(text).toContain("git apply --3way")
  })

  it("asks a reader of a shared file to name its own tool", () => {
    expect(guidanceText(null)).toContain("`handover pickup --target <tool>`")
  })

  it("stays short: it is read at the start of every session", () => {
    expect(text.length).toBeLessThan(1200)
  })
})

describe("guidance-only surfaces", () => {
  it.each([
    { id: "windsurf", path: ".windsurf/rules/handover.md", frontmatter: ["trigger: always_on"] },
    { id: "continue", path: ".continue/rules/handover.md", frontmatter: ["name: Handover", "description: ", "alwaysApply: true"] }
  ])("$id: a rule file of handover's own, always applied", ({ frontmatter, id, path }) => {
    const [surface, ...rest] = surfacesOf(id)
    expect(rest).toEqual([])
    expect(surface).toMatchObject({ _tag: "OwnedFile", path })
    const content = surface!._tag === "OwnedFile" ? surface!.content : ""
    const [, header, body] = content.split(/^---$/m)
    for (const line of frontmatter) expect(header).toContain(`\n${line}`)
    expect(body).toBe(`\n${guidanceText(id)}`)
  })

  it("cline: a rule file without frontmatter", () => {
    expect(surfacesOf("cline")).toEqual([
      { _tag: "OwnedFile", path: ".clinerules/handover.md", content: guidanceText("cline") }
    ])
  })

  it("agents and zed: the same block in AGENTS.md, naming no tool", () => {
    const block = { _tag: "ManagedBlock", path: "AGENTS.md", content: guidanceText(null) }
    expect(surfacesOf("agents")).toEqual([block])
    expect(surfacesOf("zed")).toEqual([block])
  })

  it("copilot-instructions: a block in .github/copilot-instructions.md", () => {
    expect(surfacesOf("copilot-instructions")).toEqual([
      { _tag: "ManagedBlock", path: ".github/copilot-instructions.md", content: guidanceText("copilot") }
    ])
  })

  it("aider: a block in CONVENTIONS.md, and CONVENTIONS.md in the read list of .aider.conf.yml", () => {
    expect(surfacesOf("aider")).toEqual([
      { _tag: "ManagedBlock", path: "CONVENTIONS.md", content: guidanceText("aider") },
      { _tag: "YamlListItem", path: ".aider.conf.yml", key: "read", item: "CONVENTIONS.md" }
    ])
  })
})
