// The performance budgets of DESIGN.md, measured on this machine. Prints a Markdown table naming the machine.
//
//   npm run bench [-- --runs N] [--capture-runs N] [--markdown FILE] [--readme]
//
// Every timed command runs interleaved with `node -e 0` in one loop (run i of every command, then run i+1…, the order
// rotating each round), so a machine that slows down or speeds up mid-run affects the floor and the command alike;
// the table gives medians and ratios to the floor (capture: to the raw git work a capture needs, timed the same way).
// NODE_EXTRA_CA_CERTS is removed from the environment of every timed command (Node reads that file at each start-up,
// ~40 ms on Node 20); when it is set here, each command is also timed with it and shown in a second column.
// Peak RSS is the measured process's own (getrusage RUSAGE_SELF at exit, read by a --require probe, on one extra
// untimed run): it works on any machine. Where GNU time is at /usr/bin/time, capture's peak including its git
// children is shown too.
// --markdown FILE writes the report to FILE; --readme replaces the report between the bench markers in README.md.
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, release, tmpdir, type } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const args = process.argv.slice(2)
const option = (name) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args[at + 1] : undefined
}
const count = (name, fallback) => {
  const value = option(name)
  if (value === undefined) return fallback
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`--${name} takes a positive whole number, not ${value}`)
  return Number(value)
}
const runs = count("runs", 15)
const captureRuns = count("capture-runs", 5)
const markdownFile = option("markdown")

const loadAtStart = loadavg()[0]
const project = fileURLToPath(new URL("..", import.meta.url))
const cli = join(project, "dist", "handover.js")
const readmeFile = join(project, "README.md")
const scratch = mkdtempSync(join(tmpdir(), "handover-bench-"))
const caCerts = process.env.NODE_EXTRA_CA_CERTS
const env = {
  ...process.env,
  HOME: join(scratch, "home"),
  XDG_CACHE_HOME: join(scratch, "home", ".cache"),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.invalid",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.invalid"
}
delete env.NODE_EXTRA_CA_CERTS
mkdirSync(env.HOME)
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }))

const git = (cwd, ...gitArgs) => execFileSync("git", gitArgs, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Runs a command once; fails the benchmark when it fails (3, nothing pending, is an answer, not a failure). */
const run = (file, commandArgs, { cwd, input = "", extraEnv = {}, stdout = "pipe" }) => {
  const result = spawnSync(file, commandArgs, { cwd, env: { ...env, ...extraEnv }, input, stdio: ["pipe", stdout, "pipe"] })
  if (result.status !== 0 && result.status !== 3) {
    throw new Error(`${file} ${commandArgs.join(" ")} exited ${result.status ?? result.signal}: ${result.stderr}`)
  }
  return result
}

/** A timed path: `steps` runs once per sample; with the CA variable set it is also timed with it. */
const node = (name, nodeArgs, options = {}) => ({
  name,
  steps: (extraEnv) => run("node", nodeArgs, { ...options, extraEnv: { ...options.extraEnv, ...extraEnv } }),
  nodeArgs,
  options,
  startsNode: true
})

/** Times every path `rounds` times, interleaved, after one warm-up round (which also fills the V8 code cache). */
const timeInterleaved = (paths, rounds) => {
  const variants = paths.flatMap((path) => [
    { path, extraEnv: {}, samples: [] },
    ...(caCerts && path.startsNode ? [{ path, extraEnv: { NODE_EXTRA_CA_CERTS: caCerts }, samples: [], withCa: true }] : [])
  ])
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length]
      const started = process.hrtime.bigint()
      variant.path.steps(variant.extraEnv)
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6
      if (round > 0) variant.samples.push(elapsed)
    }
  }
  const medianOf = (path, withCa) => {
    const variant = variants.find((v) => v.path === path && Boolean(v.withCa) === withCa)
    return variant && median(variant.samples)
  }
  return new Map(paths.map((path) => [path.name, { plain: medianOf(path, false), withCa: medianOf(path, true) }]))
}

/** Peak resident memory in MiB of the node process itself (not its children), read at its exit. */
const probe = join(scratch, "maxrss.cjs")
writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, `\\nhandover-bench-maxrss=${process.resourceUsage().maxRSS}\\n`))")
const ownPeak = (path) => {
  const result = run("node", ["--require", probe, ...path.nodeArgs], path.options)
  const kib = /handover-bench-maxrss=(\d+)/.exec(result.stderr)?.[1]
  return kib === undefined ? undefined : Number(kib) / 1024
}

/** Peak of the process and the children it waited for (GNU time %M), or undefined without /usr/bin/time. */
const gnuTime = existsSync("/usr/bin/time") && spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0
const treePeak = (path) => {
  if (!gnuTime) return undefined
  const result = run("/usr/bin/time", ["-f", "handover-bench-treerss=%M", "node", ...path.nodeArgs], path.options)
  const kib = /handover-bench-treerss=(\d+)/.exec(result.stderr)?.[1]
  return kib === undefined ? undefined : Number(kib) / 1024
}

const startDaemon = (percent) =>
  new Promise((resolve, reject) => {
    const bundle = join(scratch, "fake-openusage.mjs")
    execFileSync(join(project, "node_modules", ".bin", "esbuild"), [
      join(project, "scripts", "fake-openusage.ts"), "--bundle", "--platform=node", "--format=esm",
      `--outfile=${bundle}`, "--log-level=warning"
    ])
    const child = spawn("node", [bundle, "--claude", String(percent), "--codex", String(percent)], { env })
    child.stdout.once("data", (data) => resolve({ socket: data.toString().trim(), stop: () => child.kill() }))
    child.once("error", reject)
  })

const newRepository = (name) => {
  const dir = join(scratch, name)
  mkdirSync(dir)
  git(dir, "init", "--quiet")
  return dir
}
const commitAll = (dir, message) => {
  git(dir, "add", "-A")
  git(dir, "commit", "--quiet", "-m", message)
}

// --- hooks: one initialised repository with nothing pending, one with a bundle captured by hand -------------------
const quiet = newRepository("quiet")
writeFileSync(join(quiet, "a.txt"), "a\n")
commitAll(quiet, "a")
run("node", [cli, "init"], { cwd: quiet })
const pending = newRepository("pending")
writeFileSync(join(pending, "a.txt"), "a\n")
commitAll(pending, "a")
run("node", [cli, "init"], { cwd: pending })
writeFileSync(join(pending, "a.txt"), "a\nwork in progress\n")
run("node", [cli, "capture", "--title", "bench"], { cwd: pending })

const daemon = await startDaemon(40)
process.on("exit", () => daemon.stop())
const payload = (cwd) => JSON.stringify({ session_id: "bench-session", cwd, hook_event_name: "Stop" })
const floor = node("`node -e 0` (the floor)", ["-e", "0"], { cwd: quiet })
const hookPaths = [
  floor,
  node("`handover --version`", [cli, "--version"], { cwd: quiet }),
  node("`on-event`, below the threshold, daemon answering", [cli, "on-event", "--tool", "claude"], {
    cwd: quiet,
    input: payload(quiet),
    extraEnv: { OPENUSAGE_TELEMETRY_SOCKET: daemon.socket }
  }),
  node("`session-start`, nothing pending", [cli, "session-start", "--format", "claude"], {
    cwd: quiet,
    input: payload(quiet)
  }),
  node("`session-start`, a handover pending", [cli, "session-start", "--format", "claude"], {
    cwd: pending,
    input: payload(pending)
  })
]
const hookTimes = timeInterleaved(hookPaths, runs)
const hookPeaks = new Map(hookPaths.map((path) => [path.name, ownPeak(path)]))
daemon.stop()

// --- capture: 20,000 files, 2,000 changed (500 of them new), a new 30 MB binary ----------------------------------
const large = newRepository("large")
for (let dir = 0; dir < 100; dir++) {
  mkdirSync(join(large, `d${dir}`))
  for (let file = 0; file < 200; file++) {
    writeFileSync(join(large, `d${dir}`, `f${file}.txt`), `file ${dir}/${file}\n`.repeat(20))
  }
}
commitAll(large, "20,000 files")
run("node", [cli, "init"], { cwd: large })
for (let i = 0; i < 2000; i++) {
  const dir = i % 100
  if (i % 4 === 0) writeFileSync(join(large, `d${dir}`, `new${i}.txt`), `new ${i}\n`)
  else writeFileSync(join(large, `d${dir}`, `f${Math.floor(i / 100)}.txt`), `changed ${i}\n`.repeat(10))
}
const binary = join(large, "data.bin")
writeFileSync(binary, randomBytes(30 * 1024 * 1024))

// What a capture cannot do without: a copy of the index, the untracked files added to it as intent-to-add, the
// binary patch written to a file, and `git apply --check` of that patch on HEAD in a second temporary index.
const gitWork = {
  name: "raw git work of that capture (the capture's floor)",
  startsNode: false,
  peak: null,
  steps: () => {
    const work = mkdtempSync(join(scratch, "git-work-"))
    const pathspec = ["--", ".", ":(top,exclude).handover"]
    const inIndex = (indexFile) => ({ cwd: large, extraEnv: { GIT_INDEX_FILE: indexFile } })
    copyFileSync(join(large, ".git", "index"), join(work, "index"))
    run("git", ["add", "--intent-to-add", ...pathspec], inIndex(join(work, "index")))
    const patch = openSync(join(work, "patch"), "w")
    try {
      run("git", ["diff", "-M", "--binary", "--full-index", "HEAD", ...pathspec], { ...inIndex(join(work, "index")), stdout: patch })
    } finally {
      closeSync(patch)
    }
    run("git", ["read-tree", "HEAD"], inIndex(join(work, "check-index")))
    run("git", ["apply", "--check", "--cached", join(work, "patch")], inIndex(join(work, "check-index")))
    rmSync(work, { recursive: true })
  }
}
const captureArgs = [cli, "capture", "--title", "bench", "--set", "bundles.keep=2", "--set", "capture.maxPatchBytes=1000000000"]
const capture = node("`capture`: 20,000 files, 2,000 changed, a 30 MB binary", captureArgs, { cwd: large })
const captureTimes = timeInterleaved([gitWork, capture], captureRuns)
const capturePeak = ownPeak(capture)
const captureTreePeak = treePeak(capture)
writeFileSync(binary, randomBytes(60 * 1024 * 1024))
const doubledPeak = ownPeak(capture)

// --- the report -------------------------------------------------------------------------------------------------
const ms = (value) => `${value.toFixed(1)}`
const times = (ratio) => `${ratio.toFixed(2)}×`
const mib = (value) => value === null ? "" : value === undefined ? "n/a" : `${value.toFixed(0)} MB`
const verdict = (value, goal, worst) => value <= goal ? "goal" : value <= worst ? "acceptable" : "over"
const rows = []
const row = (cells) => rows.push(`| ${cells.join(" | ")} |`)
const timedRow = (results, base, path, budget) => {
  const { plain, withCa } = results.get(path.name)
  const baseline = results.get(base.name)
  const ratio = plain / baseline.plain
  row([
    path.name,
    ms(plain),
    times(ratio),
    budget ? `≤ ${times(budget.goal)}` : "",
    budget ? `${times(budget.worst)}` : "",
    budget ? verdict(ratio, budget.goal, budget.worst) : "",
    ...(caCerts ? [withCa === undefined ? "" : `${ms(withCa)} (${times(withCa / (baseline.withCa ?? baseline.plain))})`] : []),
    mib(path.peak)
  ])
}
for (const path of hookPaths) path.peak = hookPeaks.get(path.name)
const budgets = {
  [hookPaths[2].name]: { goal: 1.5, worst: 2.0 },
  [hookPaths[3].name]: { goal: 1.3, worst: 2.0 }
}
for (const path of hookPaths) timedRow(hookTimes, floor, path, budgets[path.name])
timedRow(captureTimes, gitWork, gitWork)
capture.peak = capturePeak
timedRow(captureTimes, gitWork, capture, { goal: 1.2, worst: 1.5 })
const flat = Math.abs(doubledPeak - capturePeak) < 10
row([
  "`capture` peak RSS, the binary 30 MB → 60 MB",
  "", "", "< 100 MB, flat", "120 MB",
  doubledPeak < 100 && flat ? "goal" : doubledPeak <= 120 && flat ? "acceptable" : "over",
  ...(caCerts ? [""] : []),
  `${mib(capturePeak)} → ${mib(doubledPeak)}`
])

const gitVersion = execFileSync("git", ["--version"], { encoding: "utf8" }).trim().replace(/^git version /, "")
const osName = existsSync("/etc/os-release")
  ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? `${type()} ${release()}`
  : `${type()} ${release()}`
const report = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model.trim() ?? "an unknown CPU"}, ${cpus().length} cores, ` +
  `${osName}, Node ${process.version}, git ${gitVersion}; medians of ${runs} runs (capture: ${captureRuns}), ` +
  "interleaved with the floor, NODE_EXTRA_CA_CERTS unset; load average " +
  `${loadAtStart.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end (other work on the machine slows the floor too).`,
  "",
  `| path | median ms | ratio | goal | worst acceptable | verdict |${caCerts ? " with NODE_EXTRA_CA_CERTS: ms (ratio) |" : ""} peak RSS |`,
  `|---|---|---|---|---|---|${caCerts ? "---|" : ""}---|`,
  ...rows,
  "",
  "Ratios: hooks to `node -e 0`, `capture` to the raw git work. Peak RSS: the node process itself." +
  (captureTreePeak === undefined ? "" : ` With its git children (GNU time), capture peaks at ${mib(captureTreePeak)}.`)
].join("\n")

console.log(report)
if (markdownFile !== undefined) writeFileSync(markdownFile, `${report}\n`)
if (args.includes("--readme")) {
  const begin = "<!-- bench:begin (npm run bench -- --readme) -->"
  const end = "<!-- bench:end -->"
  const readme = readFileSync(readmeFile, "utf8")
  const from = readme.indexOf(begin)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} block to replace`)
  writeFileSync(readmeFile, `${readme.slice(0, from + begin.length)}\n${report}\n${readme.slice(to)}`)
}
