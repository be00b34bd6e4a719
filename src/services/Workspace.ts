import * as Context from "effect/Context"

/** Where the command runs and what the process environment says: tests provide their own. */
export class Workspace extends Context.Tag("handover/Workspace")<Workspace, {
  readonly cwd: string
  readonly home: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** The running handover's own script, which the hooks that install writes run first; absent where unknown. */
  readonly handoverPath?: string
  /** The node running handover, which those hooks run it with. */
  readonly nodePath?: string
}>() {}
