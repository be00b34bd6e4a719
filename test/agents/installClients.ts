import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, rename, rm } from "node:fs/promises"
import { binaryPathOf, type ClientPackage, clientPackages, installDirOf } from "./installedClients.js"

// Vitest global setup of the agent tests: installs each pinned client from the npm registry into the cache, unless a
// complete install is already there. An install goes to a temporary directory renamed into place when it is complete,
// so an interrupted or concurrent install never leaves a half directory that a later run would take for a whole one.

const installTimeoutMs = 10 * 60_000

const npmInstall = (pkg: ClientPackage, prefix: string): Promise<void> =>
  new Promise((resolve, reject) => {
    execFile(
      "npm",
      ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", `${pkg.name}@${pkg.version}`],
      { timeout: installTimeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error === null) return resolve()
        const tail = stderr.trim().split("\n").slice(-20).join("\n")
        reject(new Error(`could not install ${pkg.name}@${pkg.version} from the npm registry into ${prefix} (${error.message.split("\n")[0]}):\n${tail}`))
      }
    )
  })

const ensureInstalled = async (pkg: ClientPackage): Promise<void> => {
  if (existsSync(binaryPathOf(pkg))) return
  const target = installDirOf(pkg)
  const staging = `${target}.installing-${process.pid}`
  await mkdir(staging, { recursive: true })
  try {
    await npmInstall(pkg, staging)
    // Another run may have completed the same install meanwhile: keep that one, it may be in use.
    if (!existsSync(binaryPathOf(pkg))) {
      await rm(target, { recursive: true, force: true })
      await rename(staging, target)
    }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  if (!existsSync(binaryPathOf(pkg))) throw new Error(`${pkg.name}@${pkg.version} installed, but ${binaryPathOf(pkg)} is missing`)
}

export default async function installClients(): Promise<void> {
  await Promise.all(Object.values(clientPackages).map(ensureInstalled))
}
