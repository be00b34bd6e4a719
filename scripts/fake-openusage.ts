// Serves the openusage protocol on a Unix socket for the demo and the benchmark (the real daemon is a Go program
// that no registry here offers). Usage: fake-openusage [--claude PERCENT] [--codex PERCENT] [--hang]
// Prints the socket path on its first line, then serves until it is sent SIGTERM or SIGINT.
import { claudeSnapshot, codexSnapshot, readModelOf, startFakeDaemon } from "../test/helpers/fakeDaemon.js"

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`)
  return index < 0 ? undefined : process.argv[index + 1]
}

const inOneHour = new Date(Date.now() + 3_600_000).toISOString()
const daemon = await startFakeDaemon(
  process.argv.includes("--hang")
    ? "hang"
    : {
      kind: "ok",
      readModel: readModelOf(
        claudeSnapshot({ fiveHour: Number(flag("claude") ?? 40), fiveHourResetsAt: inOneHour }),
        codexSnapshot({ primary: Number(flag("codex") ?? 40), primaryResetsAt: inOneHour })
      )
    }
)
process.stdout.write(`${daemon.socketPath}\n`)
const stop = () => void daemon.close().then(() => process.exit(0))
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
