// Bundles the CLI into one ESM file: hooks start it on every prompt, so start-up time matters.
import { build } from "esbuild"
import { readFile, chmod } from "node:fs/promises"

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"))
const outfile = "dist/handover.js"

await build({
  entryPoints: ["src/bin.ts"],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  legalComments: "none",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);"
  },
  define: { HANDOVER_VERSION: JSON.stringify(pkg.version) },
  logLevel: "warning"
})
await chmod(outfile, 0o755)
