import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { defaultConfig, type HandoverConfig } from "../../src/domain/Config.js"
import { GitLive } from "../../src/layers/GitLive.js"
import { StoreLive } from "../../src/layers/StoreLive.js"
import { OpenUsage } from "../../src/services/OpenUsage.js"
import { Store } from "../../src/services/Store.js"
import { Workspace } from "../../src/services/Workspace.js"
import { handleEvent } from "../../src/workflows/OnEvent.js"
import { claudeSnapshot, readModelOf } from "../helpers/fakeDaemon.js"
import { makeRepo, type Repo } from "../helpers/repo.js"

const start = Date.parse("2026-11-25T17:00:00Z")
const hour = 3_600_000

/** A daemon in memory whose claude usage the test sets; its snapshots are stamped with the (test) clock's time. */
const makeDaemon = () => {
  const state = { percent: 0, resetsAtMillis: start + hour, calls: 0 }
  const layer = Layer.succeed(OpenUsage, {
    health: () => Effect.succeed({ status: "ok", api_version: "v1" }),
    readModel: () =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        state.calls++
        return readModelOf(claudeSnapshot({
          fiveHour: state.percent,
          fiveHourResetsAt: new Date(state.resetsAtMillis).toISOString(),
          timestamp: new Date(now).toISOString()
        }))
      })
  })
  return { state, layer }
}

const repos: Array<Repo> = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.cleanup()))
})

const setup = async () => {
  const repo = await makeRepo({ initial: { "cart.ts": "export const total = 1\n" } })
  repos.push(repo)
  await repo.write("cart.ts", "export const total = 2\n")
  const daemon = makeDaemon()
  const layer = Layer.mergeAll(GitLive, StoreLive, daemon.layer).pipe(
    Layer.provideMerge(NodeContext.layer),
    Layer.provideMerge(Layer.succeed(Workspace, { cwd: repo.dir, home: repo.home, env: {} }))
  )
  return { repo, daemon, layer }
}

const bundleDirs = async (repo: Repo) =>
  (await readdir(join(repo.dir, ".handover", "bundles"))).filter((name) => !name.startsWith("."))

const stopEvent = (root: string, config: HandoverConfig = defaultConfig) =>
  handleEvent({ root, config, tool: "claude", event: "Stop", payload: { prompt: "Fix the cart total" } })

describe("handleEvent", () => {
  it.effect("captures once per quota window and again after the window resets (TestClock)", () =>
    Effect.gen(function*() {
      const { daemon, layer, repo } = yield* Effect.promise(setup)
      yield* TestClock.setTime(start)
      yield* Effect.gen(function*() {
        yield* (yield* Store).ensure(repo.dir)

        daemon.state.percent = 50
        expect((yield* stopEvent(repo.dir)).action).toBe("skipped")

        daemon.state.percent = 95
        const first = yield* stopEvent(repo.dir)
        expect(first.action).toBe("captured")
        expect(first.reason).toMatch(/95% of 5h window/)

        daemon.state.percent = 97
        const again = yield* stopEvent(repo.dir)
        expect(again.action).toBe("skipped")
        expect(again.reason).toMatch(/already captured for this window/)

        // The 5h window resets: the next window is over the threshold too and gets its own capture.
        yield* TestClock.adjust(hour + 60_000)
        daemon.state.resetsAtMillis = start + 6 * hour
        daemon.state.percent = 93
        const next = yield* stopEvent(repo.dir)
        expect(next.action).toBe("captured")
        expect(next.bundleId).not.toBe(first.bundleId)

        const bundle = yield* (yield* Store).readBundle(repo.dir, next.bundleId!)
        expect(bundle.title).toBe("claude at 93% of its 5h window")
        expect(bundle.createdAt).toBe(new Date(start + hour + 60_000).toISOString())
        expect(bundle.trigger).toMatchObject({ kind: "threshold", tool: "claude", event: "Stop", percent: 93 })
        expect(bundle.summary).toContain("Fix the cart total")
        expect(bundle.patch.files.map((file) => file.path)).toEqual(["cart.ts"])
      }).pipe(Effect.provide(layer))
      expect(yield* Effect.promise(() => bundleDirs(repo))).toHaveLength(2)
    }))

  it.effect("re-arms when usage falls below rearmBelowPercent within the same window", () =>
    Effect.gen(function*() {
      const { daemon, layer, repo } = yield* Effect.promise(setup)
      yield* TestClock.setTime(start)
      yield* Effect.gen(function*() {
        daemon.state.percent = 92
        expect((yield* stopEvent(repo.dir)).action).toBe("captured")
        daemon.state.percent = 40
        expect((yield* stopEvent(repo.dir)).reason).toMatch(/re-armed/)
        daemon.state.percent = 91
        expect((yield* stopEvent(repo.dir)).action).toBe("captured")
      }).pipe(Effect.provide(layer))
      expect(yield* Effect.promise(() => bundleDirs(repo))).toHaveLength(2)
    }))

  it.effect("does not ask the daemon for an event outside trigger.events", () =>
    Effect.gen(function*() {
      const { daemon, layer, repo } = yield* Effect.promise(setup)
      daemon.state.percent = 99
      const outcome = yield* handleEvent({
        root: repo.dir,
        config: defaultConfig,
        tool: "claude",
        event: "SessionStart",
        payload: {}
      }).pipe(Effect.provide(layer))
      expect(outcome.action).toBe("skipped")
      expect(daemon.state.calls).toBe(0)
    }))
})
