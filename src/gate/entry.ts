import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { Script } from "node:vm"
import { compileCacheDir } from "../domain/CompileCache.js"
import { runGate } from "./gate.js"

// dist/handover.js: the hook gate first; the full CLI (dist/handover-cli.js) is read and compiled only when the gate
// hands a command over. Compiling the CLI's ~460 KB is the largest part of its cold start, so it is compiled with V8's
// code cache, in $XDG_CACHE_HOME/handover (or ~/.cache/handover), private to the user, keyed by the bundle's hash,
// Node's version and the architecture; any failure to read or write the cache only means compiling as before.

/** Set by scripts/build.mjs: the hash of the CLI bundle, naming its code cache. */
declare const HANDOVER_CLI_KEY: string

const loadCli = (): { runCli: (preread?: { text: string; overLimit: boolean }) => void } => {
  const filename = `${__dirname}/handover-cli.js`
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, "utf8")}\n})`
  const cacheDir = compileCacheDir(process.env["XDG_CACHE_HOME"], homedir())
  const cacheFile = `${cacheDir}/${HANDOVER_CLI_KEY}-${process.version}-${process.arch}.v8cache`
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  const script = new Script(source, { filename, ...(cachedData === undefined ? {} : { cachedData }) })
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // Written once the command is done (it then includes what ran), atomically, and never at the cost of the command.
    // On "exit", which also comes with process.exit (the CLI exits explicitly), unlike "beforeExit".
    process.once("exit", () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
        const temp = `${cacheFile}.${process.pid}.tmp`
        writeFileSync(temp, script.createCachedData(), { mode: 0o600 })
        renameSync(temp, cacheFile)
        // Caches of other builds or Node versions are of no further use.
        for (const name of readdirSync(cacheDir)) {
          if (name.endsWith(".v8cache") && `${cacheDir}/${name}` !== cacheFile) rmSync(`${cacheDir}/${name}`, { force: true })
        }
      } catch {}
    })
  }
  const cli = { exports: {} as ReturnType<typeof loadCli> }
  script.runInThisContext()(cli.exports, require, cli, filename, __dirname)
  return cli.exports
}

runGate(process.argv, (stdin) => loadCli().runCli(stdin))
