import { expect } from "vitest"
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Bundle } from "../../src/domain/Bundle.js"
import type { Repo, RunResult } from "./repo.js"

// Reading a repository's .handover/ from the outside, the way a user or another tool would.

export const storeDir = (repo: Repo, ...parts: ReadonlyArray<string>) => join(repo.dir, ".handover", ...parts)

/** Every entry of .handover/bundles (hidden ones included); none when the directory does not exist. */
export const bundleEntries = async (repo: Repo): Promise<Array<string>> =>
  (await readdir(storeDir(repo, "bundles")).catch(() => [] as Array<string>)).sort()

export const readBundleJson = async (repo: Repo, id: string): Promise<Bundle> =>
  JSON.parse(await readFile(storeDir(repo, "bundles", id, "bundle.json"), "utf8")) as Bundle

/**
 * Runs `capture --json` with the given extra arguments (titled "Work in progress" unless they give a --title),
 * expects success and returns the bundle it wrote.
 */
export const capture = async (repo: Repo, args: ReadonlyArray<string> = [], stdin?: string): Promise<Bundle> => {
  const title = args.includes("--title") ? [] : ["--title", "Work in progress"]
  const result = await repo.cli(["capture", ...title, "--json", ...args], stdin === undefined ? {} : { stdin })
  expectSuccess(result)
  return JSON.parse(result.stdout) as Bundle
}

export const expectSuccess = (result: RunResult) => {
  expect(result.stderr, `stdout: ${result.stdout}`).not.toMatch(/^\s+at /m)
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(0)
}

/**
 * A failure as the design describes it: the given exit code and exactly one line on stderr (what failed, what to do),
 * and nothing that looks like a stack trace.
 */
export const expectCleanFailure = (result: RunResult, code: number): string => {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(code)
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "")
  expect(lines, `stderr: ${result.stderr}`).toHaveLength(1)
  expect(result.stderr).not.toMatch(/^\s+at /m)
  return lines[0]!
}

/**
 * A usage error as the design describes it: exit 2 (0 for a hook, which fails open), nothing on stdout, and on stderr
 * what is wrong, then the usage line to fix it with; never a help page. Returns both lines.
 */
export const expectUsageError = (result: RunResult, code = 2): readonly [string, string] => {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(code)
  expect(result.stdout).toBe("")
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "")
  expect(lines, `stderr: ${result.stderr}`).toHaveLength(2)
  expect(lines[1]).toMatch(/^usage: handover /)
  return [lines[0]!, lines[1]!]
}
