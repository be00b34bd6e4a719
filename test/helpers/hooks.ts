import { copyFile, cp, mkdir, readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Either from "effect/Either"
import { onTestFinished } from "vitest"
import { type Bundle, decodeBundleJson } from "../../src/domain/Bundle.js"
import { git, makeRepo, makeScratch, type Repo, runCli, type Scratch } from "./repo.js"

// Hook payloads as Claude Code and Codex send them, pointed at a real repository and a real transcript file, and the
// bits of `.handover/` that the hook tests read back.

export type HookTool = "claude" | "codex"
export type HookEventName = "SessionStart" | "UserPromptSubmit" | "Stop"

export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** A hook payload fixture (test/fixtures/hooks/<tool>-<event>.json) as an object. */
export const hookFixture = async (tool: HookTool, event: HookEventName): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(fixturePath(`hooks/${tool}-${event}.json`), "utf8")) as Record<string, unknown>

/**
 * Copies the tool's transcript fixture to where that tool keeps its transcripts, under the scratch HOME:
 * `~/.claude/projects/<project>/<session>.jsonl` or `~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`.
 */
export const copyTranscript = async (home: string, tool: HookTool): Promise<string> => {
  const [dir, name, fixture] = tool === "claude"
    ? [join(home, ".claude", "projects", "-work-repo"), "7f3e9a10-2c4b-4d8e-9f01-5a6b7c8d9e0f.jsonl", "claude-transcript.jsonl"]
    : [
      join(home, ".codex", "sessions", "2025", "10", "20"),
      "rollout-2025-10-20T14-03-11-0199f2a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6.jsonl",
      "codex-rollout.jsonl"
    ]
  await mkdir(dir, { recursive: true })
  const path = join(dir, name)
  await copyFile(fixturePath(fixture), path)
  return path
}

/**
 * The fixture payload of `tool`/`event` as JSON text, with `cwd` set to the repository and `transcript_path` to a real
 * copy of the transcript fixture in the scratch directory.
 */
export const hookPayload = async (
  repo: Repo,
  tool: HookTool,
  event: HookEventName,
  overrides: Readonly<Record<string, unknown>> = {}
): Promise<string> => {
  const payload = await hookFixture(tool, event)
  return JSON.stringify({ ...payload, cwd: repo.dir, transcript_path: await copyTranscript(repo.home, tool), ...overrides })
}

let initTemplate: Promise<Scratch & { readonly store: string }> | undefined

/**
 * `.handover/` exactly as the real `handover init` creates it (it holds no path of its own), made once per test file
 * and copied into each repository: every test still gets its own repository and store, without paying for one more
 * CLI start each.
 */
const initialisedStore = (): Promise<Scratch & { readonly store: string }> =>
  initTemplate ??= (async () => {
    const scratch = await makeScratch()
    const dir = join(scratch.base, "repo")
    await mkdir(dir)
    await git(dir, scratch.env, ["init", "--quiet", "--initial-branch=main"])
    const init = await runCli(["init"], { cwd: dir, env: scratch.env })
    if (init.code !== 0) throw new Error(`handover init failed: ${init.stderr}`)
    return { ...scratch, store: join(dir, ".handover") }
  })()

/** Removes the `handover init` template; call it in afterAll of a file that used initialisedRepo. */
export const disposeInitTemplate = async (): Promise<void> => {
  const template = initTemplate
  initTemplate = undefined
  if (template !== undefined) await (await template).cleanup()
}

/**
 * A repository with one commit, `handover init` done, and one uncommitted edit (so that a capture has work to carry).
 */
export const initialisedRepo = async (): Promise<Repo> => {
  const repo = await makeRepo({
    initial: { "src/cart.ts": "export const total = (subtotal: number) => subtotal\n", "README.md": "# shop\n" }
  })
  await cp((await initialisedStore()).store, join(repo.dir, ".handover"), { recursive: true, errorOnExist: true })
  await repo.write("src/cart.ts", "export const total = (subtotal: number, discount: number) => subtotal - discount\n")
  return repo
}

/** An initialised repository that is removed when the current test finishes. */
export const repoForTest = async (): Promise<Repo> => {
  const repo = await initialisedRepo()
  onTestFinished(() => repo.cleanup())
  return repo
}

/** Ids of the bundles on disk (staging leftovers excluded), by name: oldest first to the second, ties in any order. */
export const bundleIds = async (root: string): Promise<ReadonlyArray<string>> => {
  try {
    return (await readdir(join(root, ".handover", "bundles"))).filter((name) => !name.startsWith(".")).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return []
    throw error
  }
}

/** bundle.json of one bundle, decoded with the bundle schema (so it also checks that it is a valid bundle). */
export const readBundleJson = async (root: string, id: string): Promise<Bundle> => {
  const decoded = decodeBundleJson(await readFile(join(root, ".handover", "bundles", id, "bundle.json"), "utf8"))
  if (Either.isLeft(decoded)) throw new Error(`bundle ${id} is not a valid bundle: ${decoded.left.message}`)
  return decoded.right
}

export interface EventLogLine {
  readonly at: string
  readonly tool: string | null
  readonly event: string | null
  readonly action: "captured" | "skipped"
  readonly reason: string
  readonly bundleId?: string
}

/** The lines of `.handover/state/events.log`, parsed; none when the log does not exist. */
export const eventLog = async (root: string): Promise<ReadonlyArray<EventLogLine>> => {
  try {
    const text = await readFile(join(root, ".handover", "state", "events.log"), "utf8")
    return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as EventLogLine)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return []
    throw error
  }
}

/** The environment that points the CLI at a daemon's socket. */
export const daemonEnv = (socketPath: string): Record<string, string> => ({ OPENUSAGE_TELEMETRY_SOCKET: socketPath })
