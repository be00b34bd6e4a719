import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { canonicalPayload, resolveHookContext } from "../domain/HookEvent.js"
import { printableLine } from "../domain/Text.js"
import { Store } from "../services/Store.js"
import { type EventOutcome, handleEvent } from "../workflows/OnEvent.js"
import { hookRoot, loadConfig, readHookPayload, setOption } from "./common.js"
import { ValueName } from "../domain/CommandSpec.js"

const options = {
  tool: Options.text("tool").pipe(Options.withPseudoName(ValueName.tool), Options.optional, Options.withDescription("the agent firing the hook (claude, codex, …)")),
  event: Options.text("event").pipe(Options.withPseudoName("EVENT"), Options.optional, Options.withDescription("the event: SessionStart, UserPromptSubmit, Stop, or the tool's own name for one")),
  verbose: Options.boolean("verbose").pipe(Options.withDescription("explain the decision on stderr")),
  set: setOption
}

export const onEventCommand = Command.make("on-event", options, (args) =>
  Effect.gen(function*() {
    const nativePayload = yield* readHookPayload
    const { event, tool } = resolveHookContext({
      flagTool: Option.getOrUndefined(args.tool),
      flagEvent: Option.getOrUndefined(args.event),
      payload: nativePayload
    })
    const payload = canonicalPayload(tool, nativePayload)
    const explain = (line: string) => args.verbose ? Console.error(`handover on-event: ${printableLine(line)}`) : Effect.void
    const root = yield* hookRoot(payload)
    const store = yield* Store
    if (!(yield* store.isInitialised(root))) {
      return yield* explain(`${root} has no .handover/config.json (run handover init): nothing to do`)
    }
    const log = (outcome: EventOutcome) =>
      Effect.gen(function*() {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* store.appendEvent(root, JSON.stringify({ at, tool, event, ...outcome }))
        yield* explain(`${outcome.action}: ${outcome.reason}${outcome.bundleId ? ` (bundle ${outcome.bundleId})` : ""}`)
      })
    // Bad input changes nothing: a payload that is not JSON is logged, never acted on. (Empty stdin is fine.)
    if (payload.malformed) {
      return yield* log({ action: "skipped", reason: "the hook payload on stdin is not a JSON object" })
    }
    if (tool === null || event === null) {
      return yield* log({
        action: "skipped",
        reason: `cannot tell the ${tool === null ? "tool" : "event"}: pass --${tool === null ? "tool" : "event"}`
      })
    }
    const outcome = yield* Effect.gen(function*() {
      const { config } = yield* loadConfig(root, args.set)
      return yield* handleEvent({ root, config, tool, event, payload })
    }).pipe(
      // Fail open: whatever went wrong is logged, never passed to the agent.
      Effect.catchAll((error) => Effect.succeed<EventOutcome>({ action: "skipped", reason: `error: ${error.message}` }))
    )
    yield* log(outcome)
  }).pipe(
    Effect.catchAll((error) =>
      args.verbose ? Console.error(`handover on-event: skipped: ${printableLine(error.message)}`) : Effect.void
    ),
    Effect.catchAllDefect((defect) =>
      args.verbose ? Console.error(`handover on-event: internal error: ${String(defect)}`) : Effect.void
    )
  )).pipe(Command.withDescription("hook: on a tool event, ask openusage and capture when the quota is nearly spent"))
