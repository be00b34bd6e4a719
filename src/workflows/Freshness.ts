import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Bundle } from "../domain/Bundle.js"
import { describeFreshness, needsRelation } from "../domain/Freshness.js"
import { Git } from "../services/Git.js"

/**
 * What the next agent should know about what it resumes on: how old the bundle is, and whether the branch or HEAD of
 * the repository at `root` moved since the capture (see describeFreshness). Short plain lines, what came from
 * bundle.json already escaped. Never fails: when git cannot read HEAD, a note says it is unknown.
 */
export const freshnessNotes = (root: string, bundle: Bundle): Effect.Effect<ReadonlyArray<string>, never, Git> =>
  Effect.gen(function*() {
    const git = yield* Git
    const nowMillis = yield* Clock.currentTimeMillis
    const current = Option.getOrNull(yield* Effect.option(git.repoState(root)))
    const captured = bundle.repo.head
    const relation = needsRelation(captured, current)
      ? Option.getOrNull(yield* Effect.option(git.relation(root, captured)))
      : null
    return describeFreshness({ bundle, nowMillis, current, relation })
  })
