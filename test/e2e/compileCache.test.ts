import { describe, expect, it, onTestFinished } from "@effect/vitest"
import { readdir, readFile, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { assertCliBuilt, makeScratch, runCli } from "../helpers/repo.js"

// dist/handover.js compiles the CLI with a V8 code cache in $XDG_CACHE_HOME/handover: private, written once, and
// never a reason for a command to fail.

const freshCache = async () => {
  assertCliBuilt()
  const scratch = await makeScratch()
  onTestFinished(() => scratch.cleanup())
  const cacheHome = join(scratch.base, "cache")
  const env = { ...scratch.env, XDG_CACHE_HOME: cacheHome }
  const version = () => runCli(["--version"], { cwd: scratch.base, env })
  const cacheFiles = async () =>
    (await readdir(join(cacheHome, "handover")).catch(() => [] as Array<string>)).map((name) => join(cacheHome, "handover", name))
  return { cacheHome, version, cacheFiles }
}

describe("the compile cache", () => {
  it("is written by the first run, private to the user, and used by the next", async () => {
    const { cacheFiles, cacheHome, version } = await freshCache()
    const first = await version()
    expect(first.code).toBe(0)
    const files = await cacheFiles()
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/\.v8cache$/)
    expect((await stat(join(cacheHome, "handover"))).mode & 0o777).toBe(0o700)
    expect((await stat(files[0]!)).mode & 0o777).toBe(0o600)
    const written = await readFile(files[0]!)

    const second = await version()
    expect(second.code).toBe(0)
    expect(second.stdout).toBe(first.stdout)
    // Accepted, so not rewritten.
    expect(await readFile(files[0]!)).toEqual(written)
  })

  it("a corrupt cache is ignored and replaced; an unwritable cache directory is no error", async () => {
    const { cacheFiles, version } = await freshCache()
    await version()
    const [file] = await cacheFiles()
    await writeFile(file!, "not a V8 code cache")
    const afterCorruption = await version()
    expect(afterCorruption.code).toBe(0)
    expect(afterCorruption.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    expect((await readFile(file!)).toString()).not.toBe("not a V8 code cache")

    // A file where the cache directory should be: nothing can be written, the command still works.
    const blocked = await makeScratch()
    onTestFinished(() => blocked.cleanup())
    await writeFile(join(blocked.base, "handover"), "in the way")
    const result = await runCli(["--version"], { cwd: blocked.base, env: { ...blocked.env, XDG_CACHE_HOME: blocked.base } })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
  })
})
