import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { cp, mkdir, readFile, realpath, stat, symlink } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { cliPath, git, makeScratch, run, type Scratch, writeFileIn } from "../helpers/repo.js"
import { expectSuccess } from "../helpers/store.js"

// What a user installing from a tarball gets: `npm pack` builds dist/ through prepack, and `npm install -g` of that
// tarball, offline, gives a working `handover` with nothing else downloaded. The packing happens in a copy of the
// sources, so the worktree (and the dist/ other tests are running) is never rebuilt or written to.

const project = fileURLToPath(new URL("../..", import.meta.url))
const pkg = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as { version: string }

let scratch: Scratch
let npmEnv: NodeJS.ProcessEnv
let tarball: string
let installed: string
let worktreeCliBefore: number

beforeAll(async () => {
  worktreeCliBefore = (await stat(cliPath)).mtimeMs
  scratch = await makeScratch()
  // npm run from `npm test` passes its settings down as npm_config_*: none of them may steer these npm commands.
  npmEnv = Object.fromEntries(Object.entries(scratch.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")))
  const source = join(scratch.base, "source")
  for (const entry of ["package.json", "README.md", "scripts", "src"]) {
    await cp(join(project, entry), join(source, entry), { recursive: true })
  }
  await symlink(await realpath(join(project, "node_modules")), join(source, "node_modules"))
  const out = join(scratch.base, "out")
  await mkdir(out)
  const npm = (args: ReadonlyArray<string>, cwd: string) =>
    run("npm", [...args, "--cache", join(scratch.base, "npm-cache"), "--no-audit", "--no-fund"], { cwd, env: npmEnv })
  const packed = await npm(["pack", "--pack-destination", out, "--json"], source)
  expectSuccess(packed)
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as Array<{ filename: string }>
  tarball = join(out, filename)
  installed = join(scratch.base, "prefix")
  expectSuccess(await npm(["install", "--global", "--prefix", installed, "--offline", tarball], scratch.base))
}, 180_000)

afterAll(() => scratch?.cleanup())

describe("npm pack and npm install -g", () => {
  it("packs the built CLI and the README only, with nothing to install at run time", async () => {
    const listing = await run("tar", ["-tzf", tarball], { cwd: scratch.base, env: scratch.env })
    expectSuccess(listing)
    const entries = listing.stdout.trim().split("\n")
    expect(entries).toContain("package/dist/handover.js")
    expect(entries).toContain("package/package.json")
    expect(entries.filter((entry) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE)/.test(entry))).toEqual([])
    const packedPkg = JSON.parse(
      (await run("tar", ["-xzOf", tarball, "package/package.json"], { cwd: scratch.base, env: scratch.env })).stdout
    ) as Record<string, unknown>
    expect(packedPkg["dependencies"]).toBeUndefined()
    expect(packedPkg["bin"]).toEqual({ handover: "dist/handover.js" })
  })

  it("gives a handover that runs --version, init, capture and status in a repository", async () => {
    const handover = join(installed, "bin", "handover")
    const env = { ...scratch.env, PATH: `${join(installed, "bin")}:${scratch.env["PATH"] ?? ""}` }
    const version = await run("handover", ["--version"], { cwd: scratch.base, env })
    expectSuccess(version)
    expect(version.stdout.trim()).toBe(pkg.version)
    expect(await realpath(handover)).toBe(await realpath(join(installed, "lib", "node_modules", "handover", "dist", "handover.js")))

    const repo = join(scratch.base, "repo")
    await mkdir(repo)
    await git(repo, env, ["init", "--quiet", "--initial-branch=main"])
    await writeFileIn(repo, "a.txt", "a\n")
    await git(repo, env, ["add", "--all"])
    await git(repo, env, ["commit", "--quiet", "-m", "initial"])
    expectSuccess(await run("handover", ["init"], { cwd: repo, env }))
    await writeFileIn(repo, "a.txt", "a\nchanged by hand\n")
    expectSuccess(await run("handover", ["capture", "--title", "Installed from the tarball"], { cwd: repo, env }))
    const status = await run("handover", ["status", "--json"], { cwd: repo, env })
    expectSuccess(status)
    const report = JSON.parse(status.stdout) as { current: string | null; pending: { id: string | null } }
    expect(report.current).not.toBeNull()
    expect(report.pending.id).toBe(report.current)
  })

  it("leaves the worktree's dist/ alone", async () => {
    expect((await stat(cliPath)).mtimeMs).toBe(worktreeCliBefore)
  })
})
