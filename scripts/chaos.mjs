// Fault injection: runs the built CLI (dist/handover.js) in a loop, kills captures and pickups with SIGKILL at chosen
// moments (right before and right after each rename, link and symlink that makes a write land, through
// scripts/chaos-preload.cjs) and at random times, and after each kill checks the store:
//   - every bundle listed is whole (bundle.json names its directory, workspace.patch matches its sha256, summary.md);
//   - current is one link to one whole bundle;
//   - the next command recovers the lock by itself, and then no temporary file, staging directory or index copy is
//     left anywhere.
// Usage: node scripts/chaos.mjs [--runs N] [--seed S]. Prints the runs and every inconsistency; exits 1 if any.
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 && args[at + 1] !== undefined ? Number(args[at + 1]) : fallback
}
const runs = option("runs", 60)
let seed = option("seed", Date.now() % 100_000)
const firstSeed = seed
/** A small deterministic generator, so that a failing run can be replayed with --seed. */
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}
const pick = (items) => items[Math.floor(random() * items.length)]

const cli = fileURLToPath(new URL("../dist/handover.js", import.meta.url))
const preload = fileURLToPath(new URL("./chaos-preload.cjs", import.meta.url))
if (!existsSync(cli)) {
  console.error("chaos: dist/handover.js is missing: run npm run build first")
  process.exit(1)
}

const base = mkdtempSync(join(tmpdir(), "handover-chaos-"))
const repo = join(base, "repo")
const tmp = join(base, "tmp")
const home = join(base, "home")
for (const dir of [repo, tmp, home]) mkdirSync(dir)
const env = {
  PATH: process.env.PATH,
  HOME: home,
  TMPDIR: tmp,
  XDG_CACHE_HOME: fileURLToPath(new URL("../node_modules/.cache/handover-chaos", import.meta.url)),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Chaos",
  GIT_AUTHOR_EMAIL: "chaos@handover.invalid",
  GIT_COMMITTER_NAME: "Chaos",
  GIT_COMMITTER_EMAIL: "chaos@handover.invalid",
  OPENUSAGE_TELEMETRY_SOCKET: join(base, "no-daemon.sock"),
  LC_ALL: "C"
}

const git = (...gitArgs) => {
  const result = spawnSync("git", gitArgs, { cwd: repo, env, encoding: "utf8" })
  if (result.status !== 0) throw new Error(`git ${gitArgs.join(" ")}: ${result.stderr}`)
}
const handover = (cliArgs) => spawnSync(process.execPath, [cli, ...cliArgs], { cwd: repo, env, encoding: "utf8" })

/** Runs the CLI and kills it at a chosen moment (HANDOVER_CHAOS_KILL) or after a delay; resolves how it ended. */
const runAndKill = (cliArgs, kill) =>
  new Promise((resolve) => {
    const childEnv = kill.moment === undefined ? env : { ...env, HANDOVER_CHAOS_KILL: kill.moment }
    const child = spawn(process.execPath, ["--require", preload, cli, ...cliArgs], { cwd: repo, env: childEnv, stdio: "ignore" })
    const timer = kill.afterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), kill.afterMs)
    child.on("exit", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal })
    })
  })

// A repository with work to carry: text, a binary file, an untracked file.
git("init", "--quiet", "--initial-branch=main")
writeFileSync(join(repo, "app.ts"), "export const app = 1\n")
writeFileSync(join(repo, "logo.bin"), Buffer.from([0, 1, 2, 3, 255]))
git("add", "--all")
git("commit", "--quiet", "-m", "initial")
writeFileSync(join(repo, "app.ts"), "export const app = 2\n")
writeFileSync(join(repo, "logo.bin"), Buffer.from([0, 9, 2, 3, 255, 7]))
writeFileSync(join(repo, "notes.md"), "# untracked\n")
if (handover(["init"]).status !== 0) throw new Error("chaos: handover init failed")

const store = join(repo, ".handover")
const bundlesDir = join(store, "bundles")
const idPattern = /^\d{8}T\d{6}Z-[0-9a-f]{4,12}$/
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex")

/** What is wrong with the store as it is on disk now; [] when it is consistent. */
const inconsistencies = () => {
  const problems = []
  const whole = new Set()
  for (const name of readdirSync(bundlesDir)) {
    if (name.startsWith(".")) continue
    const dir = join(bundlesDir, name)
    try {
      const bundle = JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8"))
      const patch = readFileSync(join(dir, "workspace.patch"))
      if (!idPattern.test(name) || bundle.id !== name) problems.push(`bundles/${name}: id ${bundle.id} is not its name`)
      else if (patch.length !== bundle.patch.bytes || sha256(patch) !== bundle.patch.sha256) problems.push(`bundles/${name}: patch does not match bundle.json`)
      else if (!existsSync(join(dir, "summary.md"))) problems.push(`bundles/${name}: no summary.md`)
      else whole.add(name)
    } catch (error) {
      problems.push(`bundles/${name}: listed but not whole (${error.message})`)
    }
  }
  const current = join(store, "current")
  if (existsSync(current) || lstatSafe(current) !== undefined) {
    const info = lstatSafe(current)
    if (!info.isSymbolicLink()) problems.push("current is not a link")
    else {
      const target = readlinkSync(current)
      const id = /^bundles\/(.+)$/.exec(target)?.[1]
      if (id === undefined || !whole.has(id)) problems.push(`current points at ${target}, not at a whole bundle`)
    }
  }
  const status = handover(["status", "--json"])
  if (status.status !== 0) problems.push(`status exits ${status.status}: ${status.stderr.trim()}`)
  else if (JSON.parse(status.stdout).corrupt.length > 0) problems.push(`status lists corrupt bundles: ${JSON.parse(status.stdout).corrupt}`)
  return problems
}

const lstatSafe = (path) => {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/** Temporary files, staging directories, a lock or index copies left behind: none may survive a recovering command. */
const leftovers = () => {
  const found = []
  const scan = (dir, label) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(".tmp-") || name.startsWith(".staging-")) found.push(`${label}/${name}`)
    }
  }
  scan(store, ".handover")
  scan(join(store, "state"), ".handover/state")
  scan(bundlesDir, ".handover/bundles")
  for (const name of readdirSync(bundlesDir)) if (!name.startsWith(".")) scan(join(bundlesDir, name), `.handover/bundles/${name}`)
  if (existsSync(join(store, "state", "lock"))) found.push(".handover/state/lock")
  for (const name of readdirSync(tmp)) found.push(`$TMPDIR/${name}`)
  return found
}

// The moments that make a write land, for each operation (node:fs call, its n-th occurrence, before or after it).
const moments = {
  capture: ["link:1", "rename:1", "rename:2", "rename:3", "rename:4", "symlink:1", "rename:5"],
  pickup: ["link:1", "link:2", "rename:1", "rename:2", "symlink:1", "rename:3"]
}

let killed = 0
let chosen = 0
const failures = []
for (let run = 1; run <= runs; run++) {
  const operation = random() < 0.6 ? "capture" : "pickup"
  if (operation === "pickup" && handover(["pending"]).status !== 0) handover(["capture", "--title", `pending ${run}`])
  const atMoment = random() < 0.6
  const kill = atMoment
    ? { moment: `${pick(moments[operation])}:${pick(["before", "after"])}` }
    : { afterMs: Math.floor(random() * 600) }
  const cliArgs = operation === "capture"
    ? ["capture", "--title", `run ${run}`, "--next-step", "go on", "--set", "bundles.keep=4"]
    : ["pickup", "--target", "codex"]
  const ended = await runAndKill(cliArgs, kill)
  const how = kill.moment === undefined ? `after ${kill.afterMs} ms` : `at ${kill.moment}`
  if (ended.signal === "SIGKILL") {
    killed++
    if (atMoment) chosen++
  }
  const label = `run ${run}: ${operation} killed ${how}${ended.signal === "SIGKILL" ? "" : ` (it ended first, exit ${ended.code})`}`
  for (const problem of inconsistencies()) failures.push(`${label}: after the kill: ${problem}`)
  const recovery = handover(["capture", "--title", `recover ${run}`, "--set", "bundles.keep=4"])
  if (recovery.status !== 0) failures.push(`${label}: the next capture failed: ${recovery.stderr.trim()}`)
  for (const problem of inconsistencies()) failures.push(`${label}: after recovery: ${problem}`)
  for (const leftover of leftovers()) failures.push(`${label}: left behind after recovery: ${leftover}`)
}

rmSync(base, { recursive: true, force: true })
for (const failure of failures) console.log(`inconsistency: ${failure}`)
console.log(
  `chaos: ${runs} runs (seed ${firstSeed}), ${killed} killed (${chosen} at a chosen moment, ${killed - chosen} at a random time), ` +
    `${failures.length} inconsistencies`
)
process.exit(failures.length === 0 ? 0 : 1)
