import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * Where long work reports how far it got; what shows (if anything) is the layer's business. Every method is cheap,
 * never fails and never waits. Without a layer progress is silent (hooks, --json, tests); a command asks for the
 * terminal's around the work that may take seconds (Display.showProgress, which provides ProgressLive).
 */
export class Progress extends Context.Reference<Progress>()("handover/Progress", {
  defaultValue: (): {
    /** A step begins ("checking the patch applies"); it replaces the one before. */
    readonly step: (label: string) => Effect.Effect<void>
    /** The next bytes of the patch being written (the step "writing the patch"): its files are counted from them. */
    readonly patchWritten: (chunk: Uint8Array) => Effect.Effect<void>
  } => ({ step: () => Effect.void, patchWritten: () => Effect.void })
}) {}
