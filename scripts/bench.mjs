// The performance budgets of DESIGN.md, measured on this machine (npm run bench). Prints a Markdown table.
// - hooks: on-event below the threshold and session-start with nothing pending, against `node -e 0` plus the daemon;
// - capture on a repository of 20,000 files with 2,000 changed, against the git commands a capture must run;
// - capture's peak memory for a small and a large patch (flat in the patch size).
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const project = fileURLToPath(new URL("..", import.meta.url))
const cli = join(project, "dist", "handover.js")
const runs = Number(process.env.BENCH_RUNS ?? 15)
const scratch = mkdtempSync(join(tmpdir(), "handover-bench-"))
const env = {
  ...process.env,
  HOME: join(scratch, "home"),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.invalid",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.invalid"
}
mkdirSync(env.HOME)

const git = (cwd, ...args) => execFileSync("git", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value) => `${value.toFixed(1)} ms`

/** Median wall time of a command over `count` runs (after one warm-up). */
const time = (file, args, { cwd, input = "", count = runs, extraEnv = {} }) => {
  const samples = []
  for (let i = 0; i <= count; i++) {
    const started = process.hrtime.bigint()
    const result = spawnSync(file, args, { cwd, env: { ...env, ...extraEnv }, input, stdio: ["pipe", "pipe", "pipe"] })
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6
    if (result.status !== 0 && result.status !== 3) {
      throw new Error(`${file} ${args.join(" ")} exited ${result.status}: ${result.stderr}`)
    }
    if (i > 0) samples.push(elapsed)
  }
  return median(samples)
}

/** Peak resident memory (KiB) of the handover process itself (not the git it runs), read at its exit. */
const peakKib = (args, cwd) => {
  const probe = join(scratch, "maxrss.cjs")
  writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxrss=${process.resourceUsage().maxRSS}\\n`))")
  const result = spawnSync("node", ["--require", probe, cli, ...args], { cwd, env, encoding: "utf8" })
  return Number(/maxrss=(\d+)/.exec(result.stderr)?.[1])
}

const startDaemon = (percent) =>
  new Promise((resolve, reject) => {
    const bundle = join(scratch, "fake-openusage.mjs")
    if (!existsSync(bundle)) {
      execFileSync(join(project, "node_modules", ".bin", "esbuild"), [
        join(project, "scripts", "fake-openusage.ts"), "--bundle", "--platform=node", "--format=esm",
        `--outfile=${bundle}`, "--log-level=warning"
      ])
    }
    const child = spawn("node", [bundle, "--claude", String(percent), "--codex", String(percent)])
    child.stdout.once("data", (data) => resolve({ socket: data.toString().trim(), stop: () => child.kill() }))
    child.once("error", reject)
  })

const rows = []
const row = (what, measured, budget, verdict) => rows.push(`| ${what} | ${measured} | ${budget} | ${verdict} |`)

// --- hooks -----------------------------------------------------------------------------------------------------
const small = join(scratch, "small")
mkdirSync(small)
git(small, "init", "--quiet")
writeFileSync(join(small, "a.txt"), "a\n")
git(small, "add", "-A")
git(small, "commit", "--quiet", "-m", "a")
spawnSync("node", [cli, "init"], { cwd: small, env })
const daemon = await startDaemon(40)
const payload = JSON.stringify({ session_id: "bench", cwd: small, hook_event_name: "Stop" })
const hookEnv = { OPENUSAGE_TELEMETRY_SOCKET: daemon.socket }

const nodeBaseline = time("node", ["-e", "0"], { cwd: small })
const daemonAnswer = time("node", ["-e", `
  const http = require("node:http")
  const ask = (method, path, body) => new Promise((resolve) => {
    const req = http.request({ socketPath: ${JSON.stringify(daemon.socket)}, method, path, agent: false,
      headers: body ? { "content-type": "application/json", "content-length": 2 } : {} },
      (res) => { res.resume(); res.on("end", resolve) })
    req.end(body)
  })
  ask("GET", "/healthz").then(() => ask("POST", "/v1/read-model", "{}"))
`], { cwd: small })
const daemonOnly = Math.max(0, daemonAnswer - nodeBaseline)
const onEvent = time("node", [cli, "on-event", "--tool", "claude"], { cwd: small, input: payload, extraEnv: hookEnv })
const sessionStart = time("node", [cli, "session-start", "--format", "claude"], { cwd: small, input: payload })
const version = time("node", [cli, "--version"], { cwd: small })
daemon.stop()

const hookBudget = 1.5 * nodeBaseline + daemonOnly
row("`node -e 0` (baseline)", ms(nodeBaseline), "", "")
row("daemon answer (healthz + read-model, over baseline)", ms(daemonOnly), "", "")
row("`handover --version`", ms(version), "", "")
row("`on-event` below the threshold", ms(onEvent), `≤ ${ms(hookBudget)}`, onEvent <= hookBudget ? "within" : `over (${(onEvent / nodeBaseline).toFixed(1)}× node)`)
row("`session-start`, nothing pending", ms(sessionStart), `≤ ${ms(1.5 * nodeBaseline)}`, sessionStart <= 1.5 * nodeBaseline ? "within" : `over (${(sessionStart / nodeBaseline).toFixed(1)}× node)`)

// --- capture on a large repository -------------------------------------------------------------------------------
const large = join(scratch, "large")
mkdirSync(large)
git(large, "init", "--quiet")
for (let dir = 0; dir < 100; dir++) {
  mkdirSync(join(large, `d${dir}`))
  for (let file = 0; file < 200; file++) {
    writeFileSync(join(large, `d${dir}`, `f${file}.txt`), `file ${dir}/${file}\n`.repeat(20))
  }
}
git(large, "add", "-A")
git(large, "commit", "--quiet", "-m", "20k files")
spawnSync("node", [cli, "init"], { cwd: large, env })
for (let i = 0; i < 2000; i++) {
  const dir = i % 100
  if (i % 4 === 0) writeFileSync(join(large, `d${dir}`, `new${i}.txt`), `new ${i}\n`)
  else writeFileSync(join(large, `d${dir}`, `f${i % 200}.txt`), `changed ${i}\n`.repeat(10))
}
const gitOnly = `
  set -e
  tmp=$(mktemp -d); cp .git/index "$tmp/index"; export GIT_INDEX_FILE="$tmp/index"
  git add --intent-to-add -- . ':(top,exclude).handover'
  git diff -M --raw --numstat -z HEAD -- . ':(top,exclude).handover' > /dev/null
  git diff -M --binary --full-index HEAD -- . ':(top,exclude).handover' > "$tmp/patch"
  export GIT_INDEX_FILE="$tmp/check"; git read-tree HEAD; git apply --check --cached "$tmp/patch"
  rm -rf "$tmp"`
const captureRuns = Math.max(3, Math.floor(runs / 3))
const gitTime = time("bash", ["-c", gitOnly], { cwd: large, count: captureRuns })
const captureTime = time("node", [cli, "capture", "--title", "bench", "--set", "bundles.keep=2"], {
  cwd: large,
  count: captureRuns
})
row("`capture`, 20,000 files, 2,000 changed", ms(captureTime), `≤ ${ms(1.3 * gitTime)} (1.3 × ${ms(gitTime)} of git)`, captureTime <= 1.3 * gitTime ? "within" : `over (${(captureTime / gitTime).toFixed(2)}× git)`)

// --- peak memory against patch size -------------------------------------------------------------------------------
// Random bytes do not compress: a file of N MiB makes a patch of about 1.3 × N MiB of base85.
const peakFor = (mebibytes) => {
  const dir = join(scratch, `memory-${mebibytes}`)
  mkdirSync(dir)
  git(dir, "init", "--quiet")
  writeFileSync(join(dir, "data.bin"), randomBytes(mebibytes * 1024 * 1024))
  return peakKib(["capture", "--title", "memory", "--set", "capture.maxPatchBytes=1000000000"], dir) / 1024
}
const peaks = [0, 30, 60].map((size) => [size, peakFor(size)])
const growth = peaks[2][1] - peaks[1][1]
row(
  "`capture` peak RSS of handover for a 0 / 39 / 78 MiB patch",
  peaks.map(([, peak]) => `${peak.toFixed(0)}`).join(" / ") + " MiB",
  "flat in patch size",
  growth < 10 ? `flat (+${growth.toFixed(0)} MiB for +39 MiB of patch)` : `grows (+${growth.toFixed(0)} MiB for +39 MiB of patch)`
)

rmSync(scratch, { recursive: true, force: true })
console.log(`handover benchmark — node ${process.version}, median of ${runs} runs (${captureRuns} for capture)\n`)
console.log("| measurement | time | budget | verdict |\n|---|---|---|---|")
console.log(rows.join("\n"))
