import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NothingPending } from "../domain/errors.js"
import { canonicalPayload } from "../domain/HookEvent.js"
import {
  isOwnCapture,
  renderResumeContext,
  resumingTool,
  SessionStartFormat,
  sessionStartOutput
} from "../domain/ResumeContext.js"
import { storeLayout } from "../domain/StoreLayout.js"
import { printableLine } from "../domain/Text.js"
import { freshnessNotes } from "../workflows/Freshness.js"
import { pendingBundle } from "../workflows/Pickup.js"
import { hookRoot, loadConfig, readHookPayload, targetOption } from "./common.js"

const options = {
  format: Options.choice("format", SessionStartFormat).pipe(
    Options.withDefault("plain"),
    Options.withDescription("plain text, or the SessionStart hook output of that tool")
  ),
  target: targetOption,
  verbose: Options.boolean("verbose").pipe(Options.withDescription("say on stderr why nothing was printed"))
}

export const sessionStartCommand = Command.make("session-start", options, (args) =>
  Effect.gen(function*() {
    // The payload in handover's vocabulary, as the tool whose format was asked for writes it (Copilot's sessionId…).
    const payload = canonicalPayload(args.format === "plain" ? null : args.format, yield* readHookPayload)
    const root = yield* hookRoot(payload)
    const { config } = yield* loadConfig(root)
    const target = resumingTool(args.format, Option.getOrUndefined(args.target))
    const bundle = yield* pendingBundle(root, config, { target: target ?? undefined })
    if (isOwnCapture(bundle, payload.session_id)) {
      return yield* new NothingPending({ detail: `bundle ${bundle.id} was captured from this very session` })
    }
    // Only now, with a handover to offer, is git asked where HEAD stands: nothing pending costs no git process.
    const context = renderResumeContext(bundle, storeLayout(root).home, target, yield* freshnessNotes(root, bundle))
    yield* Console.log(sessionStartOutput(args.format, context))
  }).pipe(
    // Fails open: nothing pending, or anything going wrong, prints nothing on stdout and exits 0.
    Effect.catchAll((error) =>
      args.verbose ? Console.error(`handover session-start: nothing printed: ${printableLine(error.message)}`) : Effect.void
    ),
    Effect.catchAllDefect((defect) =>
      args.verbose ? Console.error(`handover session-start: internal error: ${String(defect)}`) : Effect.void
    )
  )).pipe(Command.withDescription("hook: print the resume context when a handover is pending (nothing otherwise)"))
