import { execFile, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

// Real git in throw-away directories, and the built CLI run as a child process. Everything here is asynchronous so
// that in-process servers (the fake openusage daemon) keep running while a child process works.

/** The bundled CLI that `npm test` builds before vitest runs. */
export const cliPath = fileURLToPath(new URL("../../dist/handover.js", import.meta.url))

const compileCacheHome = fileURLToPath(new URL("../../node_modules/.cache/handover-tests", import.meta.url))

export const assertCliBuilt = (): void => {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: run \`npm run build\` (or \`npm test\`, which builds first) before the e2e tests`)
  }
}

/**
 * The environment for git and the CLI: the caller's, minus anything that would point git or handover elsewhere
 * (GIT_DIR from a hook, HANDOVER_* settings) or colour its output (NO_COLOR, FORCE_COLOR: tests set them), plus a fixed identity and a private HOME so that neither the machine's
 * nor the user's git config leaks in. CI has no global git identity; these make commits work anyway.
 */
export const isolatedEnv = (home: string, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("GIT_") || key.startsWith("HANDOVER_") || key.startsWith("XDG_")) continue
    if (key === "NO_COLOR" || key === "FORCE_COLOR") continue
    env[key] = value
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    // The CLI's V8 compile cache, shared by every test run and outside the scratch trees tests compare.
    XDG_CACHE_HOME: compileCacheHome,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Handover Test",
    GIT_AUTHOR_EMAIL: "test@handover.invalid",
    GIT_COMMITTER_NAME: "Handover Test",
    GIT_COMMITTER_EMAIL: "test@handover.invalid",
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    ...extra
  }
}

export interface RunResult {
  readonly code: number
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** stdout exactly as written, for binary output such as `inspect --patch`. */
  readonly stdoutBytes: Buffer
}

export interface RunOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed; without it stdin is an empty, closed pipe. */
  readonly stdin?: string | Buffer
}

/** Runs a program to completion and collects its output; never throws on a non-zero exit. */
export const run = (file: string, args: ReadonlyArray<string>, options: RunOptions): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk))
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => {
      const stdoutBytes = Buffer.concat(out)
      resolve({
        code: code ?? -1,
        signal,
        stdout: stdoutBytes.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        stdoutBytes
      })
    })
    // A child that exits before reading stdin closes the pipe: that is not the test's failure.
    child.stdin.on("error", () => {})
    child.stdin.end(options.stdin ?? "")
  })

/** `node dist/handover.js ARGS…` in `cwd`. */
export const runCli = (args: ReadonlyArray<string>, options: RunOptions): Promise<RunResult> => {
  assertCliBuilt()
  return run(process.execPath, [cliPath, ...args], options)
}

/** git with the isolated environment; throws with git's stderr when it fails. Returns stdout as text. */
export const git = async (cwd: string, env: NodeJS.ProcessEnv, args: ReadonlyArray<string>): Promise<string> =>
  (await gitBytes(cwd, env, args)).toString("utf8")

export const gitBytes = (cwd: string, env: NodeJS.ProcessEnv, args: ReadonlyArray<string>): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    execFile("git", [...args], { cwd, env, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(" ")} failed in ${cwd}: ${stderr.toString("utf8")}`))
      else resolve(stdout)
    })
  })

export interface Scratch {
  /** A temporary directory holding `home` and whatever the test creates. */
  readonly base: string
  readonly home: string
  readonly env: NodeJS.ProcessEnv
  readonly cleanup: () => Promise<void>
}

/** A fresh temporary directory with its own HOME; `cleanup` removes all of it. */
export const makeScratch = async (): Promise<Scratch> => {
  const base = await mkdtemp(join(tmpdir(), "handover-test-"))
  const home = join(base, "home")
  await mkdir(home)
  return { base, home, env: isolatedEnv(home), cleanup: () => rm(base, { recursive: true, force: true }) }
}

export interface Repo extends Scratch {
  /** The working tree (the git top level). */
  readonly dir: string
  readonly git: (...args: ReadonlyArray<string>) => Promise<string>
  readonly write: (path: string, content: string | Uint8Array, mode?: number) => Promise<void>
  readonly read: (path: string) => Promise<Buffer>
  /** Runs the built CLI in the working tree (or `cwd` relative to it). */
  readonly cli: (args: ReadonlyArray<string>, options?: { readonly stdin?: string; readonly env?: Record<string, string>; readonly cwd?: string }) => Promise<RunResult>
}

export interface RepoOptions {
  /** Files of the first commit; no commit at all when omitted (an unborn branch). */
  readonly initial?: Readonly<Record<string, string | Uint8Array>>
}

export const writeFileIn = async (dir: string, path: string, content: string | Uint8Array, mode?: number) => {
  const full = join(dir, path)
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, content)
  if (mode !== undefined) await chmod(full, mode)
}

/** `git init` in a scratch directory, on branch main, optionally with a first commit. */
export const makeRepo = async (options: RepoOptions = {}): Promise<Repo> => {
  const scratch = await makeScratch()
  const dir = join(scratch.base, "repo")
  await mkdir(dir)
  const repo = repoAt(scratch, dir)
  await repo.git("init", "--quiet", "--initial-branch=main")
  if (options.initial !== undefined) {
    for (const [path, content] of Object.entries(options.initial)) await writeFileIn(dir, path, content)
    await repo.git("add", "--all")
    await repo.git("commit", "--quiet", "--no-verify", "-m", "initial")
  }
  return repo
}

/** The working tree at `dir` (a repository already there) as a Repo of `scratch`, whose cleanup removes it. */
export const repoAt = (scratch: Scratch, dir: string): Repo => ({
  ...scratch,
  dir,
  git: (...args) => git(dir, scratch.env, args),
  write: (path, content, mode) => writeFileIn(dir, path, content, mode),
  read: (path) => readFile(join(dir, path)),
  cli: (args, cliOptions = {}) =>
    runCli(args, {
      cwd: cliOptions.cwd === undefined ? dir : join(dir, cliOptions.cwd),
      env: { ...scratch.env, ...cliOptions.env },
      ...(cliOptions.stdin !== undefined ? { stdin: cliOptions.stdin } : {})
    })
})

/** `git init` at `dir` with one commit of `files`, using `env`'s identity; returns that commit. */
export const makeCommittedRepoAt = async (
  env: NodeJS.ProcessEnv,
  dir: string,
  files: Readonly<Record<string, string>>
): Promise<string> => {
  await mkdir(dir, { recursive: true })
  await git(dir, env, ["init", "--quiet", "--initial-branch=main"])
  for (const [path, content] of Object.entries(files)) await writeFileIn(dir, path, content)
  await git(dir, env, ["add", "--all"])
  await git(dir, env, ["commit", "--quiet", "--no-verify", "-m", "initial"])
  return (await git(dir, env, ["rev-parse", "HEAD"])).trim()
}

/**
 * Adds a submodule at `path` of `repo` and commits it: a repository made beside `repo` (in its scratch directory)
 * with one commit of `files`. Returns that commit.
 */
export const addSubmodule = async (repo: Repo, path: string, files: Readonly<Record<string, string>>): Promise<string> => {
  const origin = join(repo.base, `origin-of-${path.replace(/\//g, "-")}`)
  const commit = await makeCommittedRepoAt(repo.env, origin, files)
  // protocol.file.allow: since 2.38.1 git refuses submodules from local paths unless told otherwise.
  await repo.git("-c", "protocol.file.allow=always", "submodule", "add", "--quiet", origin, path)
  await repo.git("commit", "--quiet", "--no-verify", "-m", `add the submodule ${path}`)
  return commit
}

/**
 * Every entry under `dir` (relative path → kind, mode and content hash), for "nothing changed on disk" and "these two
 * trees are identical" checks. Directories named in `skip` (at any depth) are left out.
 */
export const snapshotTree = async (
  dir: string,
  skip: ReadonlyArray<string> = []
): Promise<Record<string, string>> => {
  const entries: Record<string, string> = {}
  const walk = async (current: string): Promise<void> => {
    for (const name of (await readdir(current)).sort()) {
      if (skip.includes(name)) continue
      const full = join(current, name)
      const path = relative(dir, full)
      const info = await lstat(full)
      const mode = (info.mode & 0o777).toString(8)
      if (info.isDirectory()) {
        entries[path] = `dir ${mode}`
        await walk(full)
      } else if (info.isSymbolicLink()) {
        entries[path] = `link ${await readlink(full)}`
      } else {
        entries[path] = `file ${mode} ${info.size} ${sha256(await readFile(full))}`
      }
    }
  }
  await walk(dir)
  return entries
}

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** A pid that no process has: one of a child that has already exited. */
export const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" })
  const pid = child.pid
  await new Promise((resolve) => child.on("close", resolve))
  if (pid === undefined) throw new Error("could not start a child process to get a dead pid")
  return pid
}

/** Lines of stderr that look like a JavaScript stack frame. */
export const stackLines = (stderr: string): ReadonlyArray<string> => stderr.split("\n").filter((line) => /^\s+at /.test(line))

/** What a test's context offers for cleaning up: concurrent tests must use their own context's hook. */
export interface TestCleanup {
  readonly onTestFinished: (fn: () => Promise<void>) => void
}

/** makeRepo for a plain (promise) test: the repository is removed when the test finishes, pass or fail. */
export const useRepo = async (context: TestCleanup, options: RepoOptions = {}): Promise<Repo> => {
  const repo = await makeRepo(options)
  context.onTestFinished(() => repo.cleanup())
  return repo
}

/** makeScratch for a plain (promise) test, removed when the test finishes. */
export const useScratch = async (context: TestCleanup): Promise<Scratch> => {
  const scratch = await makeScratch()
  context.onTestFinished(() => scratch.cleanup())
  return scratch
}
