import { describe, expect, it } from "@effect/vitest"
import type { CommandSpec } from "../../src/domain/CommandSpec.js"
import { renderCommandHelp, renderOverview } from "../../src/domain/Help.js"

const format: CommandSpec = {
  name: "session-start",
  summary: "hook: print the resume context",
  flags: [
    {
      name: "--format",
      value: "TEXT",
      choices: ["plain", "claude", "codex", "gemini", "qwen", "copilot", "cursor"],
      required: false,
      repeatable: false,
      defaultValue: "plain",
      description: "the output's format"
    },
    { name: "--verbose", value: null, choices: null, required: false, repeatable: false, defaultValue: null, description: "say why" }
  ],
  args: [],
  trailing: null,
  example: "handover session-start --format claude"
}

describe("renderCommandHelp", () => {
  it("a term too long for the column gets its description on the next line; the others stay aligned", () => {
    expect(renderCommandHelp(format)).toBe([
      "usage: handover session-start [--format plain|claude|codex|gemini|qwen|copilot|cursor] [--verbose]",
      "",
      "hook: print the resume context",
      "",
      "flags:",
      "  --format plain|claude|codex|gemini|qwen|copilot|cursor",
      "              the output's format (default: plain)",
      "  --verbose   say why",
      "  -h, --help  show this help",
      "",
      "example:",
      "  handover session-start --format claude"
    ].join("\n"))
  })
})

describe("renderCommandHelp with only long terms", () => {
  it("puts each description under its term instead of failing", () => {
    const long: CommandSpec = {
      ...format,
      flags: [],
      args: [{ name: "one|two|three|four|five|six|seven", choices: null, required: false, repeatable: false, description: "a choice" }]
    }
    expect(renderCommandHelp(long)).toContain("  one|two|three|four|five|six|seven\n    a choice")
  })
})

describe("renderOverview", () => {
  it("lists the groups in order, each command on one line with its summary aligned", () => {
    const text = renderOverview("carries work.", "1.2.3", [
      { title: "Set up", commands: [{ ...format, name: "init", summary: "create the store" }] },
      { title: "Hooks", commands: [format] }
    ])
    expect(text.split("\n").slice(0, 9)).toEqual([
      "handover 1.2.3: carries work.",
      "",
      "usage: handover <command> [flags]",
      "",
      "Set up:",
      "  init           create the store",
      "",
      "Hooks:",
      "  session-start  hook: print the resume context"
    ])
  })
})
