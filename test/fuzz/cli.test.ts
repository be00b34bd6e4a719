import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import * as fc from "fast-check"
import { type Bundle, encodeBundleJson } from "../../src/domain/Bundle.js"
import { configKeys, envVarFor, type HandoverConfig } from "../../src/domain/Config.js"
import { maxContextChars } from "../../src/domain/ResumeContext.js"
import { storeLayout } from "../../src/domain/StoreLayout.js"
import { defaultHealth, type RawAnswer, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { daemonEnv, disposeInitTemplate, repoForTest } from "../helpers/hooks.js"
import { assertCliBuilt, type Repo, runCli, type RunResult, useRepo } from "../helpers/repo.js"
import { capture } from "../helpers/store.js"
import {
  type Json,
  randomBytes,
  toJsonText,
  untrustedJsonLines,
  untrustedJsonText,
  wellTypedButHostile
} from "./arbitraries.js"
import {
  configExample,
  daemonAnswer,
  deepJson,
  expectConfigWithinBounds,
  expectNoStackTrace,
  fuzzRuns,
  healthExample,
  hookPayloadExamples,
  hostileTriggerKind,
  linesOf,
  readModelExample,
  settingText,
  transcriptExamples
} from "./fuzzing.js"

// The built CLI with hostile stdin, config, environment, flags, bundle.json, transcripts and daemon answers. Each
// run starts real processes, so the runs are few and do not shrink; fast-check prints the seed and the input.

beforeAll(assertCliBuilt)
afterAll(disposeInitTemplate)

/** Each property starts 20 to 75 processes: far more than the default per-test timeout allows on a busy machine. */
const propertyTimeout = 180_000

const expectNoCrash = (result: RunResult) => {
  expect(result.signal, result.stderr).toBeNull()
  expectNoStackTrace(result.stderr)
  expect(result.stderr).not.toContain("internal error")
}

/** The failure contract: exactly one line on stderr, `handover: what failed; what to do`. */
const expectOneErrorLine = (result: RunResult) => {
  const lines = linesOf(result.stderr)
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^handover: /)
}

/** Hooks run with --verbose so that whatever they swallow (an internal error above all) shows on stderr. */
const expectOnlyHookDiagnostics = (result: RunResult, command: string) => {
  expect(result.code, result.stderr).toBe(0)
  expectNoCrash(result)
  // Node's own warnings (a timer overflow, say) would come before or between handover's lines.
  expect(result.stderr).not.toMatch(/^\(node:\d+\)/m)
  if (result.stderr !== "") expect(result.stderr).toMatch(new RegExp(`^handover ${command}: `))
}



/** Bytes as the environment and argv can carry them: everything but NUL. */
const withoutNul = (text: string) => text.replace(/\0/g, "")

/**
 * Hook stdin: the agents' payloads about this repository, with hostile values in their fields (so that a run gets past
 * parsing), mutated in any way, or any bytes at all.
 */
const hookStdin = (repo: Repo, transcriptPath: string): fc.Arbitrary<string | Buffer> => {
  const payloads = fc.constantFrom(...hookPayloadExamples.map((payload): Json => ({
    ...(payload as { readonly [key: string]: Json }),
    cwd: repo.dir,
    transcript_path: transcriptPath
  })))
  return fc.oneof(
    { weight: 3, arbitrary: payloads.chain(wellTypedButHostile).map(toJsonText) },
    { weight: 2, arbitrary: payloads.chain(untrustedJsonText) },
    { weight: 1, arbitrary: randomBytes.map((bytes) => Buffer.from(bytes)) }
  )
}

describe("hooks", () => {
  it("on-event exits 0 and prints nothing on stdout, whatever stdin, transcript and daemon answers", async (context) => {
    const repo = await repoForTest()
    const daemon = await startFakeDaemon({ kind: "raw", answers: {} })
    context.onTestFinished(() => daemon.close())
    const transcriptPath = join(repo.home, ".claude", "projects", "-repo", "session.jsonl")
    await mkdir(dirname(transcriptPath), { recursive: true })
    const env = { ...repo.env, ...daemonEnv(daemon.socketPath) }
    // Mostly a healthy daemon, so that the fuzzed read model is what on-event meets; the model says "over" unmutated.
    const healthAnswer = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ status: 200, body: JSON.stringify(defaultHealth) }) },
      { weight: 1, arbitrary: daemonAnswer(healthExample) }
    )
    const model = readModelExample(new Date().toISOString())
    // Half the answers are well-formed, so that on-event often gets as far as capturing and reading the transcript.
    const readModelAnswer = fc.oneof(
      wellTypedButHostile(model).map((body): RawAnswer => ({ status: 200, body: toJsonText(body) })),
      daemonAnswer(model)
    )
    // The flags, when given, name the tool and event whatever the payload says.
    const hookFlags = fc.constantFrom([], ["--tool", "claude", "--event", "Stop"], ["--tool", "codex", "--event", "UserPromptSubmit"])

    await fc.assert(
      fc.asyncProperty(
        hookStdin(repo, transcriptPath),
        fc.constantFrom(...transcriptExamples).chain(untrustedJsonLines),
        healthAnswer,
        readModelAnswer,
        hookFlags,
        async (stdin, transcript, health, readModel, flags) => {
          await writeFile(transcriptPath, transcript)
          // Forget earlier captures, so that every run may capture (and read the transcript) again.
          await rm(join(storeLayout(repo.dir).state, "trigger.json"), { force: true })
          daemon.setScenario({ kind: "raw", answers: { "/healthz": health, "/v1/read-model": readModel } })
          const result = await runCli(["on-event", "--verbose", ...flags], { cwd: repo.dir, env, stdin })
          expectOnlyHookDiagnostics(result, "on-event")
          expect(result.stdout).toBe("")
        }
      ),
      fuzzRuns(20, { shrink: false })
    )
  }, propertyTimeout)

  it("session-start --format claude exits 0 and prints nothing or one SessionStart hook document", async () => {
    const repo = await repoForTest()
    await capture(repo, ["--title", "Pending work", "--next-step", "Run the tests"])

    await fc.assert(
      fc.asyncProperty(hookStdin(repo, join(repo.home, "transcript.jsonl")), async (stdin) => {
        const result = await runCli(["session-start", "--format", "claude", "--verbose"], { cwd: repo.dir, env: repo.env, stdin })
        expectOnlyHookDiagnostics(result, "session-start")
        if (result.stdout === "") return
        expect(result.stdout.endsWith("\n") && linesOf(result.stdout).length === 1, result.stdout).toBe(true)
        const document = JSON.parse(result.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } }
        expect(Object.keys(document)).toEqual(["hookSpecificOutput"])
        expect(document.hookSpecificOutput.hookEventName).toBe("SessionStart")
        expect(document.hookSpecificOutput.additionalContext.length).toBeLessThanOrEqual(maxContextChars)
      }),
      fuzzRuns(15, { shrink: false })
    )
  }, propertyTimeout)
})

describe("config", () => {
  it("print-config and status with a hostile config.json, HANDOVER_* and --set: a config within bounds, or one error line", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await mkdir(storeLayout(repo.dir).home)
    const env = fc.dictionary(fc.constantFrom(...configKeys.map(envVarFor)), settingText.map(withoutNul), { maxKeys: 2 })
    const assignments = fc.array(
      fc.tuple(fc.constantFrom(...configKeys), settingText).map(([key, value]) => withoutNul(`${key}=${value}`)),
      { maxLength: 2 }
    )

    await fc.assert(
      fc.asyncProperty(
        fc.option(untrustedJsonText(configExample), { freq: 8, nil: undefined }),
        fc.option(env, { freq: 2, nil: undefined }),
        fc.option(assignments, { freq: 2, nil: undefined }),
        async (configText, envSettings, setFlags) => {
          const configPath = storeLayout(repo.dir).config
          if (configText === undefined) await rm(configPath, { force: true })
          else await writeFile(configPath, configText)
          const sets = (setFlags ?? []).flatMap((assignment) => ["--set", assignment])
          const options = { cwd: repo.dir, env: { ...repo.env, ...envSettings } }
          const [printed, status] = await Promise.all([
            runCli(["print-config", ...sets], options),
            runCli(["status", ...sets], options)
          ])
          for (const result of [printed, status]) {
            expectNoCrash(result)
            expect([0, 1], result.stderr).toContain(result.code)
            if (result.code === 1) expectOneErrorLine(result)
          }
          // Both read the same sources: one cannot accept what the other refuses.
          expect(status.code).toBe(printed.code)
          if (printed.code === 0) expectConfigWithinBounds(JSON.parse(printed.stdout) as HandoverConfig)
        }
      ),
      fuzzRuns(20, { shrink: false, examples: [[`{"adapters":${deepJson}}`, undefined, undefined]] })
    )
  }, propertyTimeout)
})

describe("bundle.json", () => {
  it("status, pending and inspect with a hostile bundle.json committed to the repository: exit 0, 1 or 3, never another id's paths", async () => {
    const repo = await repoForTest()
    const real: Bundle = await capture(repo, ["--title", "Work in progress"])
    const layout = storeLayout(repo.dir)
    const bundleJson = join(layout.bundle(real.id), "bundle.json")
    // As a cloned repository would carry it (the store's .gitignore does not stop a forced add).
    await repo.git("add", "--force", layout.bundle(real.id), layout.current)
    await repo.git("commit", "--quiet", "--no-verify", "-m", "a bundle, committed")

    await fc.assert(
      fc.asyncProperty(untrustedJsonText(real as unknown as Json), async (text) => {
        // current, committed alike, is the link to this very bundle.
        await writeFile(bundleJson, text)
        const [status, pending, inspect] = await Promise.all([
          repo.cli(["status", "--json"]),
          repo.cli(["pending"]),
          repo.cli(["inspect", real.id])
        ])
        for (const result of [status, pending, inspect]) {
          expectNoCrash(result)
          expect([0, 1, 3], result.stderr).toContain(result.code)
          if (result.code !== 0) expectOneErrorLine(result)
        }
        // Paths are built from ids: a bundle is listed, offered and shown only under its own directory's id.
        if (status.code === 0) {
          const report = JSON.parse(status.stdout) as { bundles: ReadonlyArray<{ id: string }>; current: string | null }
          for (const listed of report.bundles) expect(listed.id).toBe(real.id)
          expect([null, real.id]).toContain(report.current)
        }
        if (pending.code === 0) expect(pending.stdout.startsWith(`Pending: ${real.id} `), pending.stdout).toBe(true)
        if (inspect.code === 0) expect(inspect.stdout).toContain(`Patch: ${layout.bundle(real.id)}/workspace.patch (`)
      }),
      // Once: an id climbing out of the store made pickup write claim.json outside the repository, and a trigger kind
      // with a toString that is not a function threw inside the decoder.
      fuzzRuns(15, {
        shrink: false,
        examples: [[encodeBundleJson({ ...real, id: "../../../outside" })], [hostileTriggerKind]]
      })
    )
  }, propertyTimeout)
})
