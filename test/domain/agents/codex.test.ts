import { describe, expect, it } from "vitest"
import { claude } from "../../../src/domain/agents/claude.js"
import { codex } from "../../../src/domain/agents/codex.js"
import type { JsonEntries } from "../../../src/domain/Surfaces.js"

describe("codex surfaces", () => {
  const [surface] = codex.surfaces({ handoverPath: "/usr/local/bin/handover", shared: false }) as ReadonlyArray<JsonEntries>

  it("adds the hooks to .codex/hooks.json under its top-level hooks key, whether shared or not", () => {
    expect(surface?.path).toBe(".codex/hooks.json")
    expect(codex.surfaces({ handoverPath: null, shared: true })[0]?.path).toBe(".codex/hooks.json")
    expect(surface?.entries.map((entry) => entry.at)).toEqual([
      ["hooks", "SessionStart"],
      ["hooks", "UserPromptSubmit"],
      ["hooks", "Stop"]
    ])
  })

  it("has Claude Code's shape and seconds, with codex's own flags", () => {
    const claudeEntries = (claude.surfaces({ handoverPath: "/usr/local/bin/handover", shared: false })[0] as JsonEntries)
      .entries
    expect(JSON.stringify(surface?.entries)).toBe(
      JSON.stringify(claudeEntries).replace("--format claude", "--format codex").replaceAll("--tool claude", "--tool codex")
    )
  })
})
