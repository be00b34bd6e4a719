import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { Detection } from "../domain/agents/Agent.js"

/** This machine, as far as choosing adapters needs it: which coding tools are installed. */
export class Machine extends Context.Tag("handover/Machine")<Machine, {
  /** Why the tool counts as installed ("claude on PATH", "~/.codex exists"), or null when nothing says so. */
  readonly findTool: (detection: Detection) => Effect.Effect<string | null>
}>() {}
