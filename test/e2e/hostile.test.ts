import { chmod, mkdir, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { encodeBundleJson } from "../../src/domain/Bundle.js"
import { defaultConfig } from "../../src/domain/Config.js"
import { makeBundle } from "../helpers/bundles.js"
import { claudeSnapshot, readModelOf, startFakeDaemon } from "../helpers/fakeDaemon.js"
import { daemonEnv, hookPayload } from "../helpers/hooks.js"
import {
  assertCliBuilt,
  git,
  makeScratch,
  type Repo,
  type RunResult,
  runCli,
  snapshotTree,
  stackLines,
  writeFileIn
} from "../helpers/repo.js"

// A repository is untrusted input: whoever wrote it can commit anything under .handover/. Each attack here is built in
// an attacker's repository and committed the way an attacker would (git add -f, symlinks as links), then cloned; every
// command and both hooks run in the clone. Nothing outside the clone may change — a canary directory beside it is
// hashed before and after — and every command ends with one clear line, or, for a hook, in silence.

beforeAll(() => assertCliBuilt())

const hour = 3_600_000
const hostileId = "20261125T100000Z-aaaa"

interface Attack {
  readonly name: string
  /** Plants the attack in the attacker's working tree (paths relative to it); it is then committed whole. */
  readonly plant: (write: (path: string, content: string | Uint8Array) => Promise<void>, link: (path: string, target: string) => Promise<void>) => Promise<void>
  /** The refusal the commands that write must answer with, when the attack is a link in the store's place. */
  readonly refusal?: RegExp
}

const config = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ ...defaultConfig, bundles: { keep: 1, expireAfterHours: 72 }, ...overrides }, null, 2)

const bundleJson = (id: string, overrides: Record<string, unknown> = {}) =>
  encodeBundleJson({ ...makeBundle({ createdAt: new Date(Date.now() - hour).toISOString() }), id, ...overrides })

const attacks: ReadonlyArray<Attack> = [
  {
    name: "bundle.json ids that climb out of the store (pruned, claimed, inspected)",
    plant: async (write) => {
      await write(".handover/config.json", config())
      await write(`.handover/bundles/${hostileId}/bundle.json`, bundleJson("../../../outside"))
      await write(`.handover/bundles/${hostileId}/workspace.patch`, "diff --git a/x b/x\n")
      await write(".handover/bundles/20261125T090000Z-bbbb/bundle.json", bundleJson("../../../outside/important"))
      await write(".handover/bundles/not-an-id/bundle.json", bundleJson("not-an-id"))
    }
  },
  {
    name: "state/events.log and trigger.json linked to a file outside, a config with shell metacharacters",
    plant: async (write, link) => {
      await write(".handover/config.json", config({
        openusage: { socketPath: "$(touch ../outside/pwned)", timeoutMs: 1500, maxStalenessMinutes: 15 }
      }))
      await link(".handover/state/events.log", "../../../outside/important")
      await link(".handover/state/trigger.json", "../../../outside/important")
    }
  },
  {
    name: ".handover itself a link to a directory outside",
    plant: async (write, link) => {
      await write("outside-store/config.json", config())
      await link(".handover", "../outside")
    },
    refusal: /\.handover: it is a symbolic link/
  },
  {
    name: ".handover/bundles a link to a directory outside",
    plant: async (write, link) => {
      await write(".handover/config.json", config())
      await link(".handover/bundles", "../../outside")
    },
    refusal: /\.handover\/bundles: it is a symbolic link/
  },
  {
    name: ".handover/state a link to a directory outside",
    plant: async (write, link) => {
      await write(".handover/config.json", config())
      await link(".handover/state", "../../outside")
    },
    refusal: /\.handover\/state: it is a symbolic link/
  },
  {
    name: "current a link to a directory outside, bundle files linked outside",
    plant: async (write, link) => {
      await write(".handover/config.json", config())
      await link(".handover/current", "../../outside")
      await link(`.handover/bundles/${hostileId}`, "../../../outside")
      await write(".handover/bundles/20261125T090000Z-cccc/bundle.json", bundleJson("20261125T090000Z-cccc"))
      await link(".handover/bundles/20261125T090000Z-cccc/workspace.patch", "../../../../outside/important")
      await link(".handover/bundles/20261125T090000Z-cccc/claim.json", "../../../../outside/important")
    }
  },
  {
    name: "huge and special files: a 2 MiB config, bundle.json linked to /dev/zero, a lock from the future",
    plant: async (write, link) => {
      await write(".handover/config.json", `{${" ".repeat(2 * 1024 * 1024)}}`)
      await link(`.handover/bundles/${hostileId}/bundle.json`, "/dev/zero")
      await write(".handover/state/lock", JSON.stringify({ pid: 1, host: "x", purpose: "capture", at: "2999-01-01T00:00:00.000Z" }))
    }
  }
]

interface Clone {
  readonly repo: Repo
  readonly outside: string
}

/** The attacker's repository, committed with the attack, cloned into a fresh scratch directory beside a canary. */
const cloneAttack = async (attack: Attack): Promise<Clone> => {
  const scratch = await makeScratch()
  onTestFinished(() => scratch.cleanup())
  const attacker = join(scratch.base, "attacker")
  const dir = join(scratch.base, "repo")
  const outside = join(scratch.base, "outside")
  await mkdir(attacker)
  const run = (cwd: string, ...args: ReadonlyArray<string>) => git(cwd, scratch.env, args)
  await run(attacker, "init", "--quiet", "--initial-branch=main")
  await writeFileIn(attacker, "src/app.ts", "export const app = 1\n")
  await attack.plant(
    (path, content) => writeFileIn(attacker, path, content),
    async (path, target) => {
      await mkdir(join(attacker, path, ".."), { recursive: true })
      await symlink(target, join(attacker, path))
    }
  )
  await run(attacker, "add", "--all", "--force")
  await run(attacker, "commit", "--quiet", "-m", "innocent looking")
  await run(scratch.base, "clone", "--quiet", attacker, dir)
  // The canary: what the attacks aim at. Its tree, modes included (1777 must stay 1777), is compared at the end.
  await mkdir(outside)
  await writeFile(join(outside, "important"), "keep me\n")
  await chmod(outside, 0o1777)
  await writeFileIn(dir, "src/app.ts", "export const app = 2\n")
  const repo: Repo = {
    ...scratch,
    dir,
    git: (...args) => run(dir, ...args),
    write: (path, content) => writeFileIn(dir, path, content),
    read: () => Promise.reject(new Error("not used")),
    cli: (args, options = {}) =>
      runCli(args, { cwd: dir, env: { ...scratch.env, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) })
  }
  return { repo, outside }
}

/** Every command a user or an agent runs, in the order they would. */
const commands: ReadonlyArray<{
  readonly args: ReadonlyArray<string>
  readonly hook?: "on-event" | "session-start"
  readonly writes?: boolean
  /** Reports what it finds on stdout and exits 1 for a finding, with nothing on stderr (doctor). */
  readonly findings?: true
}> = [
  { args: ["init"], writes: true },
  { args: ["capture", "--title", "mine", "--set", "bundles.keep=1"], writes: true },
  { args: ["on-event", "--tool", "claude", "--set", "bundles.keep=1"], hook: "on-event" },
  { args: ["session-start", "--format", "claude"], hook: "session-start" },
  { args: ["pending"] },
  { args: ["pending", "--json"] },
  { args: ["pickup", hostileId] },
  { args: ["pickup", "20261125T090000Z-cccc"] },
  { args: ["pickup", "--target", "codex"] },
  { args: ["inspect"] },
  { args: ["inspect", "current", "--json"] },
  { args: ["inspect", hostileId, "--patch"] },
  { args: ["inspect", "20261125T090000Z-cccc", "--patch"] },
  { args: ["status"] },
  { args: ["status", "--json"] },
  { args: ["print-config"] },
  { args: ["doctor"], findings: true },
  { args: ["doctor", "--json"], findings: true }
]

/** One clear line on failure (or warnings and success), never a stack trace; hooks silent and successful. */
const expectContained = (result: RunResult, command: (typeof commands)[number]) => {
  const label = `handover ${command.args.join(" ")}\nexit ${result.code}\nstdout: ${result.stdout.slice(0, 400)}\nstderr: ${result.stderr}`
  expect(stackLines(result.stderr), label).toEqual([])
  expect(result.signal, label).toBeNull()
  if (command.hook !== undefined) {
    expect(result.code, label).toBe(0)
    if (command.hook === "on-event") expect(result.stdout, label).toBe("")
    if (command.hook === "session-start" && result.stdout !== "") expect(() => JSON.parse(result.stdout), label).not.toThrow()
    return
  }
  expect([0, 1, 3], label).toContain(result.code)
  if (command.findings === true) {
    expect(result.stderr, label).toBe("")
    // Whatever the store holds, what doctor quotes reaches the terminal escaped.
    if (!command.args.includes("--json")) expect(result.stdout, label).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
  } else if (result.code !== 0) {
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "")
    expect(lines, label).toHaveLength(1)
    expect(lines[0], label).toMatch(/^handover: /)
  }
}

describe("a hostile repository", () => {
  for (const attack of attacks) {
    it(`${attack.name}: nothing outside the repository changes, every command ends cleanly`, async () => {
      const { outside, repo } = await cloneAttack(attack)
      const daemon = await startFakeDaemon({ kind: "ok", readModel: readModelOf(claudeSnapshot({ fiveHour: 95 })) })
      onTestFinished(() => daemon.close())
      const env = daemonEnv(daemon.socketPath)
      const before = await snapshotTree(outside)

      for (const command of commands) {
        const stdin = command.hook === undefined
          ? undefined
          : await hookPayload(repo, "claude", command.hook === "on-event" ? "Stop" : "SessionStart")
        const result = await repo.cli(command.args, { env, ...(stdin === undefined ? {} : { stdin }) })
        expectContained(result, command)
        if (attack.refusal !== undefined && command.writes === true) {
          expect(result.code, result.stderr).toBe(1)
          expect(result.stderr).toMatch(attack.refusal)
        }
      }
      expect(await snapshotTree(outside)).toEqual(before)
    })
  }
})
