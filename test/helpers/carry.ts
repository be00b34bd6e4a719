import { cp, readFile } from "node:fs/promises"
import { join } from "node:path"
import { type Repo, repoAt, sha256, snapshotTree } from "./repo.js"
import { expectSuccess, storeDir } from "./store.js"

// Carrying a handover to another clone, the way a user does: clone the repository, `handover init` there, and copy
// the bundle's directory from one store into the other.

/** A `git clone` of `source` beside it (in its scratch directory), initialised, holding a copy of bundle `id`. */
export const cloneWithBundle = async (source: Repo, id: string, name: string): Promise<Repo> => {
  const dir = join(source.base, name)
  await source.git("clone", "--quiet", source.dir, dir)
  const clone = repoAt(source, dir)
  expectSuccess(await clone.cli(["init"]))
  await cp(storeDir(source, "bundles", id), storeDir(clone, "bundles", id), { recursive: true })
  return clone
}

/**
 * Everything pickup --apply could change, for "nothing changed at all": the working tree and the store (each file's
 * mode and hash), the index file, and HEAD.
 */
export const workState = async (repo: Repo) => ({
  tree: await snapshotTree(repo.dir, [".git"]),
  index: sha256(await readFile(join(repo.dir, ".git", "index"))),
  head: await repo.git("rev-parse", "HEAD")
})
