import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { Bundle } from "../../src/domain/Bundle.js"
import { assertCliBuilt, useRepo } from "../helpers/repo.js"
import { expectSuccess } from "../helpers/store.js"

// How many git processes a capture starts: each costs a process start on the hooks' hot path. A count, not a time.

beforeAll(assertCliBuilt)

/** A `git` first on PATH that logs its subcommand (the first argument that is no `-c` setting) and runs the real one. */
const countingGit = async (dir: string, log: string) => {
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim()
  await mkdir(dir)
  await writeFile(join(dir, "git"), [
    "#!/bin/sh",
    "sub=''; skip=0",
    "for arg in \"$@\"; do",
    "  if [ $skip = 1 ]; then skip=0; continue; fi",
    "  if [ \"$arg\" = -c ]; then skip=1; continue; fi",
    "  sub=$arg; break",
    "done",
    `echo "$sub" >> '${log}'`,
    `exec '${realGit}' "$@"`,
    ""
  ].join("\n"))
  await chmod(join(dir, "git"), 0o755)
}

describe("capture's git processes", () => {
  it("a capture of tracked, untracked, binary, renamed and deleted files runs git 9 times: a patch diff that git writes to the bundle, a list diff beside it", async (context) => {
    const repo = await useRepo(context, {
      initial: { "keep.txt": "keep\n", "gone.txt": "gone\n", "old.txt": "a\nb\nc\nd\ne\nf\n", "pic.bin": Buffer.from([0, 1, 2]) }
    })
    await repo.git("mv", "old.txt", "new.txt")
    await repo.git("rm", "--quiet", "gone.txt")
    await repo.write("keep.txt", "keep\nmore\n")
    await repo.write("pic.bin", Buffer.from([0, 1, 3]))
    await repo.write("untracked file.txt", "u\n")
    const bin = join(repo.base, "bin")
    const log = join(repo.base, "git.log")
    await countingGit(bin, log)
    const path = `${bin}:${process.env["PATH"] ?? ""}`
    expect((await repo.cli(["init"], { env: { PATH: path } })).code).toBe(0)
    await rm(log, { force: true })

    const result = await repo.cli(["capture", "--title", "counted", "--json"], { env: { PATH: path } })
    expectSuccess(result)
    const bundle = JSON.parse(result.stdout) as Bundle
    expect(bundle.patch.files.map((file) => file.path)).toEqual(["gone.txt", "keep.txt", "new.txt", "pic.bin", "untracked file.txt"])
    const subcommands = (await readFile(log, "utf8")).split("\n").filter((line) => line !== "")
    expect(subcommands.sort()).toEqual([
      "add", // untracked files, intent-to-add, in the temporary index
      "apply", // patch.applies
      "diff", // the file list and numbers (raw, numstat), alongside the patch's
      "diff", // the patch, written by git into the staged bundle
      "read-tree", // the base, for apply --check
      "rev-parse", // the top level
      "rev-parse", // HEAD and the index path
      "rev-parse", // the upstream
      "symbolic-ref" // the branch
    ])
  })
})
