import { copyFile, readFile } from "node:fs/promises"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { assertCliBuilt, useRepo } from "../helpers/repo.js"
import { expectSuccess } from "../helpers/store.js"

// The OpenCode plugin that `enable` writes, imported as OpenCode imports it and run against this built handover: it
// hands a pending handover to a new session's system prompt and reports prompts to on-event.

beforeAll(() => assertCliBuilt())

type Hooks = {
  event: (input: { event: unknown }) => Promise<void>
  "chat.message": (input: unknown, output: unknown) => Promise<void>
  "experimental.chat.system.transform": (input: unknown, output: { system: Array<string> }) => Promise<void>
}

describe("the OpenCode plugin enable writes", () => {
  it("tells a new session of the pending handover and logs its prompts as opencode's", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    expectSuccess(await repo.cli(["enable", "--adapter", "opencode"]))
    expectSuccess(await repo.cli(["capture", "--title", "Fix the cart discount"]))
    // Node 20 reads a .js file outside a "type": "module" package as CommonJS; OpenCode (Bun) does not care.
    const copy = join(repo.base, "handover-plugin.mjs")
    await copyFile(join(repo.dir, ".opencode/plugin/handover.js"), copy)
    const { HandoverPlugin } = (await import(pathToFileURL(copy).href)) as {
      HandoverPlugin: (input: { directory: string }) => Promise<Hooks>
    }
    // The plugin runs handover with OpenCode's environment: here the test repository's isolated one.
    const savedEnv = process.env
    process.env = { ...repo.env, PATH: process.env.PATH }
    try {
      const hooks = await HandoverPlugin({ directory: repo.dir })
      await hooks.event({ event: { type: "session.created", properties: { info: { id: "ses-1" } } } })
      const system = ["You are OpenCode."]
      await hooks["experimental.chat.system.transform"]({ sessionID: "ses-1" }, { system })
      expect(system).toHaveLength(2)
      expect(system[1]).toContain("Fix the cart discount")
      expect(system[1]).toContain("handover pickup --target opencode")
      await hooks["chat.message"]({ sessionID: "ses-1" }, { parts: [{ type: "text", text: "Go on" }] })
    } finally {
      process.env = savedEnv
    }
    const log = (await readFile(join(repo.dir, ".handover/state/events.log"), "utf8")).trim().split("\n")
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ tool: "opencode", event: "UserPromptSubmit" })
  })
})
