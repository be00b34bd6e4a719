import type { JsonEntries, OwnedFile } from "../Surfaces.js"
import type { HandlerKeys, HookSurface, SurfaceOptions } from "./Agent.js"

// The hook entries that install writes for the tools with command hooks, built from each tool's HookSurface.

/** A word as POSIX sh reads it back unchanged: bare when it is plainly safe, else single-quoted. */
export const shellQuote = (word: string): string =>
  /^[A-Za-z0-9_./,:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`

/**
 * The shell command a hook runs. It must never break the tool: where handover is not installed it exits 0 and prints
 * nothing. The agent's PATH may differ from the shell that ran enable (a GUI app, a version manager), so it tries the
 * handover that ran enable first, then `handover` on PATH. Whatever the agent writes on stdin goes to handover (exec).
 */
export const hookCommand = (handoverPath: string | null, args: ReadonlyArray<string>, nodePath?: string): string => {
  const quotedArgs = args.map(shellQuote).join(" ")
  const lookUp = `h=$(command -v handover) && [ -x "$h" ] || exit 0`
  if (handoverPath === null) return `${lookUp}; exec "$h" ${quotedArgs}`
  const recorded = `h=${shellQuote(handoverPath)}; `
  // With the node that ran enable: the recorded script runs even where no node is on the agent's PATH.
  const withNode = nodePath === undefined
    ? ""
    : `n=${shellQuote(nodePath)}; [ -f "$h" ] && [ -x "$n" ] && exec "$n" "$h" ${quotedArgs}; `
  return `${recorded}${withNode}[ -x "$h" ] || ${lookUp}; exec "$h" ${quotedArgs}`
}

/** How long the tool may wait for each hook: session-start only reads the store, on-event may capture a bundle. */
export const timeoutSeconds = { SessionStart: 10, UserPromptSubmit: 30, Stop: 30 } as const

/** The handler keys of Claude Code's hook shape, which most tools copied. */
export const claudeHandlerKeys: HandlerKeys = { command: "command", timeout: "timeout" }

/** One hook handler per subscribed event: session-start on the tool's SessionStart event, on-event on the others. */
const handlers = (toolId: string, hooks: HookSurface, options: SurfaceOptions) =>
  hooks.events.map(({ canonical, matcher, native }) => {
    const eventArgs = hooks.payloadNamesEvent ? [] : ["--event", native]
    const args = canonical === "SessionStart"
      ? ["session-start", "--format", toolId]
      : ["on-event", "--tool", toolId, ...eventArgs]
    const seconds = timeoutSeconds[canonical]
    const handler = {
      ...hooks.handlerFields,
      type: "command",
      [hooks.handlerKeys.command]: hookCommand(options.handoverPath, args, options.nodePath),
      [hooks.handlerKeys.timeout]: hooks.timeoutUnit === "seconds" ? seconds : seconds * 1000
    }
    return { native, matcher, handler }
  })

/** The hooks of a tool, laid out as its config wants them (see HookConfigLayout). */
export const commandHooks = (toolId: string, hooks: HookSurface, options: SurfaceOptions): JsonEntries | OwnedFile => {
  const path = hooks.configPath(options.shared)
  const eventHandlers = handlers(toolId, hooks, options)
  switch (hooks.layout) {
    case "settingsGroups":
      return {
        _tag: "JsonEntries",
        path,
        entries: eventHandlers.map(({ handler, matcher, native }) => ({
          at: ["hooks", native],
          value: matcher === undefined ? { hooks: [handler] } : { matcher, hooks: [handler] }
        }))
      }
    case "versionedFile": {
      const byEvent = Object.fromEntries(eventHandlers.map(({ handler, native }) => [native, [handler]]))
      return { _tag: "OwnedFile", path, content: `${JSON.stringify({ version: 1, hooks: byEvent }, null, 2)}\n` }
    }
  }
}
