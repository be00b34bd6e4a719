import type { Stats } from "node:fs"

// Why the openusage daemon could not be reached, in words: effect-free, so that the hook gate (src/gate/) says exactly
// what the full CLI says.

/** Connecting to a regular file or a directory is refused just like a socket nobody listens on: say what is there. */
const kindOfNonSocket = (found: Stats): string =>
  found.isFile() ? "a regular file" : found.isDirectory() ? "a directory" : found.isFIFO() ? "a named pipe" : "a device file"

/** The connect errors worded from the error code alone; any other is worded with node's own message. */
export const describedConnectErrors: ReadonlyArray<string> = ["ENOENT", "ECONNREFUSED", "EACCES", "ENOTSOCK"]

/** `found` is what stat says is at the path, when there is something. */
export const describeConnectError = (error: NodeJS.ErrnoException, found: Stats | undefined): string => {
  if (found !== undefined && !found.isSocket()) return `that path is ${kindOfNonSocket(found)}, not a socket`
  switch (error.code) {
    case "ENOENT":
      return "ENOENT: no socket there, the daemon is not running"
    case "ECONNREFUSED":
      return "ECONNREFUSED: nobody is listening, the socket may be stale"
    case "EACCES":
      return "EACCES: permission denied on the socket"
    case "ENOTSOCK":
      return "ENOTSOCK: the path is not a socket"
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message
  }
}

/** How to get the daemon running (openusage's own commands: a user service, or in the foreground). */
export const startDaemonHint =
  "openusage telemetry daemon install (a user service; or openusage telemetry daemon run in a terminal), or set openusage.socketPath"

/** DaemonUnavailable's message (src/domain/errors.ts). */
export const daemonUnavailableMessage = (socketPath: string, reason: string): string =>
  `openusage daemon unavailable at ${socketPath} (${reason}); start it with ${startDaemonHint}`
