import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { buildAutoSummary } from "../domain/AutoSummary.js"
import type { HandoverConfig } from "../domain/Config.js"
import type { HookPayload } from "../domain/HookEvent.js"
import { providerForTool } from "../domain/Quota.js"
import { digestTranscript } from "../domain/Transcript.js"
import {
  afterCapture,
  armedTool,
  decideTrigger,
  decodeTriggerMemory,
  emptyMemory,
  encodeTriggerMemory,
  eventMayTrigger,
  type QuotaObservation,
  type TriggerDecision,
  type TriggerMemory
} from "../domain/Trigger.js"
import { Store } from "../services/Store.js"
import { captureBundle } from "./Capture.js"
import { observeQuota } from "./Quota.js"

/** Only the tail of a transcript is read: the recent requests, edits and commands are at its end. */
const transcriptTailBytes = 1024 * 1024

export interface EventOutcome {
  readonly action: "captured" | "skipped"
  readonly reason: string
  readonly percent?: number | null
  readonly bundleId?: string
}

const skipped = (reason: string, percent?: number | null): EventOutcome =>
  percent === undefined ? { action: "skipped", reason } : { action: "skipped", reason, percent }

/** The trigger memory of every tool; a missing or unreadable file means every tool is armed. */
export const readTriggerMemory = (root: string) =>
  Effect.map(
    Effect.flatMap(Store, (store) => store.readState(root, "trigger.json")),
    (text) => Option.getOrElse(Option.flatMap(text, decodeTriggerMemory), () => emptyMemory)
  )

const writeToolMemory = (root: string, memory: TriggerMemory, tool: string, toolMemory: TriggerMemory["tools"][string]) =>
  Effect.flatMap(Store, (store) =>
    store.writeState(
      root,
      "trigger.json",
      encodeTriggerMemory({ tools: { ...memory.tools, [tool]: toolMemory } })
    ))

const percentOf = (observation: QuotaObservation): number | null =>
  observation._tag === "Reading" && observation.reading._tag === "Known" ? observation.reading.percent : null

/**
 * One hook event: ask openusage, apply the trigger policy, and capture when it says so. The decision is taken once
 * without the lock (the common, cheap case) and again under it, so concurrent hooks produce one bundle, not two.
 */
export const handleEvent = (input: {
  readonly root: string
  readonly config: HandoverConfig
  readonly tool: string
  readonly event: string
  readonly payload: HookPayload
}) =>
  Effect.gen(function*() {
    const { config, event, payload, root, tool } = input
    const store = yield* Store
    const decide = (observation: QuotaObservation, memory: TriggerMemory, nowMillis: number): TriggerDecision =>
      decideTrigger({
        tool,
        event,
        observation,
        memory: memory.tools[tool] ?? armedTool,
        config,
        nowMillis
      })

    if (!eventMayTrigger(config, event)) {
      return skipped(`${event} is not in trigger.events`)
    }
    if (providerForTool(tool) === undefined) {
      return skipped(`no openusage provider is known for ${tool}`)
    }
    const { observations } = yield* observeQuota(config, [tool])
    const observation = observations[0]![1]
    const percent = percentOf(observation)
    const before = yield* readTriggerMemory(root)
    const first = decide(observation, before, yield* Clock.currentTimeMillis)
    if (first._tag === "Skip") {
      if (first.memory.armed !== (before.tools[tool] ?? armedTool).armed) {
        // Re-armed: written under the lock, merged into what other tools' hooks may have written meanwhile.
        yield* store.withLock(
          root,
          "on-event",
          Effect.flatMap(readTriggerMemory(root), (memory) => writeToolMemory(root, memory, tool, first.memory))
        )
      }
      return skipped(first.reason, percent)
    }

    return yield* store.withLock(
      root,
      "on-event",
      Effect.gen(function*() {
        const memory = yield* readTriggerMemory(root)
        const now = yield* Clock.currentTimeMillis
        const decision = decide(observation, memory, now)
        if (decision._tag === "Skip") {
          return skipped(decision.reason, percent)
        }
        const transcript = payload.transcript_path
          ? yield* store.readTail(payload.transcript_path, transcriptTailBytes).pipe(
            Effect.orElseSucceed(() => Option.none<string>())
          )
          : Option.none<string>()
        const digest = Option.getOrNull(Option.map(transcript, (text) => digestTranscript(text)))
        const auto = buildAutoSummary({ trigger: decision.trigger, payload, digest })
        const { bundle } = yield* captureBundle(root, config, {
          title: auto.title,
          summary: auto.summary,
          nextSteps: auto.nextSteps,
          trigger: decision.trigger,
          source: {
            tool,
            ...(payload.session_id ? { sessionId: payload.session_id } : {}),
            ...(payload.transcript_path ? { transcriptPath: payload.transcript_path } : {})
          },
          target: {}
        })
        yield* writeToolMemory(root, memory, tool, afterCapture(decision, bundle.id, new Date(now).toISOString()))
        const outcome: EventOutcome = { action: "captured", reason: decision.reason, percent, bundleId: bundle.id }
        return outcome
      })
    )
  })
