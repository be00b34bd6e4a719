import type { OwnedFile } from "../Surfaces.js"
import type { SurfaceOptions } from "./Agent.js"
import { timeoutSeconds } from "./hooks.js"

// The plugin handover writes for the tools that take JavaScript plugins instead of shell hooks (OpenCode and its fork
// Kilo). It runs handover with execFile (no shell) on the tool's events, in handover's own payload shape on stdin,
// and fails open: an error, a missing handover or a timeout leaves the agent as it was.

/** The plugin module for the tool `toolId`: the recorded node and handover first, then `handover` on PATH. */
export const pluginSource = (toolId: string, options: SurfaceOptions): string => {
  const recorded = options.handoverPath === null
    ? []
    : [options.nodePath === undefined
      ? { program: options.handoverPath, args: [], needs: [options.handoverPath] }
      : { program: options.nodePath, args: [options.handoverPath], needs: [options.nodePath, options.handoverPath] }]
  const candidates = [...recorded, { program: "handover", args: [], needs: [] }]
  return `// Written by \`handover enable\`; \`handover disable\` removes it. Tells ${toolId} about pending handovers and lets
// handover capture the work when the quota is nearly spent. Fails open: without handover it does nothing.
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"

const candidates = ${JSON.stringify(candidates)}
const timeoutMs = ${JSON.stringify({ sessionStart: timeoutSeconds.SessionStart * 1000, onEvent: timeoutSeconds.Stop * 1000 })}

const runWith = (candidate, args, payload, timeout) =>
  new Promise((resolve) => {
    const child = execFile(candidate.program, [...candidate.args, ...args], { timeout, cwd: payload.cwd }, (error, stdout) =>
      resolve(error ? { missing: error.code === "ENOENT" || error.code === "EACCES", stdout: "" } : { missing: false, stdout })
    )
    child.stdin?.on("error", () => {})
    child.stdin?.end(JSON.stringify(payload))
  })

/** handover's stdout, or "" whatever goes wrong. */
const handover = async (args, payload, timeout) => {
  try {
    for (const candidate of candidates) {
      if (!candidate.needs.every((path) => existsSync(path))) continue
      const result = await runWith(candidate, args, payload, timeout)
      if (!result.missing) return result.stdout
    }
  } catch {}
  return ""
}

export const HandoverPlugin = async ({ directory }) => {
  let context = ""
  const onEvent = (payload) =>
    handover(["on-event", "--tool", ${JSON.stringify(toolId)}], { cwd: directory, ...payload }, timeoutMs.onEvent)
  return {
    event: async ({ event }) => {
      if (event?.type === "session.created") {
        const payload = { hook_event_name: "SessionStart", session_id: event.properties?.info?.id, cwd: directory }
        context = (await handover(["session-start", "--format", "plain", "--target", ${JSON.stringify(toolId)}], payload, timeoutMs.sessionStart)).trim()
      } else if (event?.type === "session.idle") {
        await onEvent({ hook_event_name: "Stop", session_id: event.properties?.sessionID })
      }
    },
    "chat.message": async (input, output) => {
      const prompt = (output?.parts ?? []).filter((part) => part?.type === "text").map((part) => part.text).join("\\n")
      await onEvent({ hook_event_name: "UserPromptSubmit", session_id: input?.sessionID, prompt })
    },
    "experimental.chat.system.transform": async (_input, output) => {
      if (context !== "" && Array.isArray(output?.system)) output.system.push(context)
    }
  }
}
`
}

/** The plugin as a file of handover's own at `path`. */
export const pluginFile = (path: string, toolId: string, options: SurfaceOptions): OwnedFile => ({
  _tag: "OwnedFile",
  path,
  content: pluginSource(toolId, options)
})
