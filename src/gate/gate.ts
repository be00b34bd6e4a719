import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, type Stats, statSync, writeSync } from "node:fs"
import { connect } from "node:net"
import { homedir } from "node:os"
import { dirname, resolve } from "node:path"
import { daemonAnswerMaxBytes, eventLogMaxBytes, hookStdinLimits, maxTimerMs, storeReadLimits } from "../domain/Bounds.js"
import { daemonUnavailableMessage, describeConnectError, describedConnectErrors } from "../domain/ConnectFailure.js"
import { resolveSocketPath } from "../domain/SocketPath.js"
import {
  gateClaimed,
  gateConfig,
  type GateDaemonAnswer,
  gateDaemonSkip,
  gateEventLine,
  gateEventSkip,
  gateHealthOk,
  gateHookCall,
  gateSessionStartFormats
} from "./policy.js"
import { readStdin, type ReadStdin } from "./stdin.js"

// The hook gate: the hooks' common case (nothing to capture, nothing pending) settled with node:fs and node:net before
// the Effect runtime loads. Anything else, and any doubt, is handed to the full CLI with the stdin already read, which
// stays the single source of truth. The store may be hostile: nothing here follows a link below the git top level.

/** `undefined`: stdin was not read (the full CLI reads it itself). */
type HandOver = (stdin: ReadStdin | undefined) => void


/** Thrown for anything the gate does not settle; caught once, where the command is handed over. */
class Unsure extends Error {}
const unsure = (why: string): never => {
  throw new Unsure(why)
}

const lstatOrMissing = (path: string): Stats | undefined => {
  try {
    return lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
}

const ownedByUs = (info: Stats) => info.uid === process.getuid?.()

/**
 * The git top level of `start`, as `git rev-parse --show-toplevel` finds it, for the plain layouts only: a `.git`
 * directory with a HEAD, or a `gitdir:` file (worktrees, submodules), owned by the user, on one file system.
 */
const findTopLevel = (start: string): string => {
  let dir = realpathSync(start)
  const device = statSync(dir).dev
  for (;;) {
    if (dir.split("/").includes(".git")) unsure("inside a .git directory")
    const dotGit = lstatOrMissing(`${dir}/.git`)
    if (dotGit !== undefined) {
      if (dotGit.isDirectory()) {
        if (!lstatSync(`${dir}/.git/HEAD`).isFile()) unsure(".git/HEAD is not a file")
      } else if (dotGit.isFile() && dotGit.size < 4096) {
        const match = /^gitdir: (.+?)\r?\n?$/.exec(readFileSync(`${dir}/.git`, "utf8"))
        if (match === null || !statSync(resolve(dir, match[1]!)).isDirectory()) unsure("unusual .git file")
      } else {
        unsure("unusual .git")
      }
      if (!ownedByUs(dotGit) || !ownedByUs(statSync(dir))) unsure("not owned by the user (git's safe.directory)")
      return dir
    }
    // A directory that is itself a git directory (bare repository) is for git to judge.
    if (lstatOrMissing(`${dir}/HEAD`) !== undefined) unsure("a HEAD outside .git")
    const parent = dirname(dir)
    if (parent === dir) unsure("not in a git repository")
    if (statSync(parent).dev !== device) unsure("git stops at file system boundaries")
    dir = parent
  }
}

/**
 * A regular file below an already checked directory, bounded; undefined when missing. Links and the rest: unsure. It
 * is opened without following a link (O_NOFOLLOW; O_NONBLOCK so a FIFO put there meanwhile cannot hang the open) and
 * what was opened is checked again, so a file swapped after the lstat is never read through.
 */
const readRegular = (path: string, maxBytes: number): string | undefined => {
  const info = lstatOrMissing(path)
  if (info === undefined) return undefined
  if (!info.isFile() || info.size > maxBytes) unsure(`${path} is not a small regular file`)
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  try {
    const opened = fstatSync(fd)
    if (!opened.isFile() || opened.size > maxBytes) unsure(`${path} is not a small regular file`)
    return readFileSync(fd, "utf8")
  } finally {
    closeSync(fd)
  }
}

const realDirectory = (path: string): boolean => {
  const info = lstatOrMissing(path)
  if (info === undefined) return false
  if (!info.isDirectory()) unsure(`${path} is not a directory`)
  return true
}

/**
 * Appends the line as StoreLive.appendEvent does, when that needs nothing but the append: state/ a private directory
 * of the user, events.log missing or a regular file under the rotation bound. O_NOFOLLOW: a link put there meanwhile
 * is refused, never followed.
 */
const appendEventLine = (root: string, line: string) => {
  const state = lstatOrMissing(`${root}/.handover/state`)
  if (state === undefined || !state.isDirectory() || (state.mode & 0o777) !== 0o700 || !ownedByUs(state)) {
    unsure("state/ needs creating or its mode setting")
  }
  const log = `${root}/.handover/state/events.log`
  const info = lstatOrMissing(log)
  if (info !== undefined && (!info.isFile() || info.size > eventLogMaxBytes)) unsure("events.log needs rotating or is not a file")
  const fd = openSync(log, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600)
  try {
    writeSync(fd, line.replace(/\n/g, " ") + "\n")
  } finally {
    closeSync(fd)
  }
}

interface Answer {
  readonly status: number
  readonly body: string
}

/** The body of an HTTP/1.1 answer, de-chunked; undefined while it is incomplete, or when it is not plainly well-formed. */
export const parseAnswer = (bytes: Buffer): Answer | undefined => {
  const headerEnd = bytes.indexOf("\r\n\r\n")
  if (headerEnd < 0) return undefined
  const [statusLine, ...headerLines] = bytes.subarray(0, headerEnd).toString("latin1").split("\r\n")
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine!)
  if (status === null) return undefined
  const headers = new Map<string, string>()
  for (const line of headerLines) {
    const colon = line.indexOf(":")
    if (colon <= 0) return undefined
    const name = line.slice(0, colon).trim().toLowerCase()
    if (headers.has(name)) return undefined
    headers.set(name, line.slice(colon + 1).trim())
  }
  let body = bytes.subarray(headerEnd + 4)
  const encoding = headers.get("transfer-encoding")
  const length = headers.get("content-length")
  if (encoding !== undefined) {
    if (encoding.toLowerCase() !== "chunked" || length !== undefined) return undefined
    const parts: Array<Buffer> = []
    let at = 0
    for (;;) {
      const lineEnd = body.indexOf("\r\n", at)
      if (lineEnd < 0) return undefined
      const sizeText = body.subarray(at, lineEnd).toString("latin1")
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) return undefined
      const size = parseInt(sizeText, 16)
      if (size === 0) break
      if (lineEnd + 2 + size + 2 > body.length || body.subarray(lineEnd + 2 + size, lineEnd + 4 + size).toString() !== "\r\n") {
        return undefined
      }
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
      at = lineEnd + 4 + size
    }
    body = Buffer.concat(parts)
  } else if (length !== undefined) {
    if (!/^\d+$/.test(length) || Number(length) !== body.length) return undefined
  } else {
    return undefined
  }
  return { status: Number(status[1]), body: body.toString("utf8") }
}

/**
 * One exchange over the daemon's socket, each on a fresh connection that is closed after the answer. No answer: the
 * error that kept the connection from being made, if that is what happened.
 */
const exchange = (
  socketPath: string,
  request: string,
  deadline: number,
  done: (answer: Answer | undefined, notConnected?: NodeJS.ErrnoException) => void
) => {
  let settled = false
  let connected = false
  const chunks: Array<Buffer> = []
  let received = 0
  const settle = (answer: Answer | undefined, notConnected?: NodeJS.ErrnoException) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    socket.destroy()
    done(answer, notConnected)
  }
  const socket = connect(socketPath)
  const timer = setTimeout(() => settle(undefined), Math.min(maxTimerMs, Math.max(1, deadline - Date.now())))
  socket.on("connect", () => {
    connected = true
    socket.write(request)
  })
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length
    if (received > daemonAnswerMaxBytes) return settle(undefined)
    chunks.push(chunk)
    // Done as soon as the answer is whole, whether or not the daemon closes the connection after it.
    const answer = parseAnswer(Buffer.concat(chunks))
    if (answer !== undefined) settle(answer)
  })
  socket.on("error", (error: NodeJS.ErrnoException) => settle(undefined, connected ? undefined : error))
  socket.on("end", () => settle(parseAnswer(Buffer.concat(chunks))))
}

const jsonOf = (answer: Answer | undefined): unknown => {
  if (answer === undefined || answer.status < 200 || answer.status > 299) return unsure("the daemon did not answer plainly")
  try {
    return JSON.parse(answer.body)
  } catch {
    return unsure("the daemon answered invalid JSON")
  }
}

/** What stat says is at the socket path, as OpenUsageLive looks before describing a connect error. */
const statOrMissing = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/**
 * healthz then read-model, as src/workflows/Quota.ts asks them, within one deadline. A daemon that cannot be reached
 * at all goes to `unreachable` with DaemonUnavailable's message.
 */
const askDaemon = (
  socketPath: string,
  timeoutMs: number,
  done: (readModel: unknown) => void,
  unreachable: (message: string) => void,
  fail: (error: unknown) => void
) => {
  const deadline = Date.now() + timeoutMs
  const head = "Host: localhost\r\nAccept: application/json\r\nConnection: close\r\n"
  exchange(socketPath, `GET /healthz HTTP/1.1\r\n${head}\r\n`, deadline, (health, notConnected) => {
    try {
      if (notConnected !== undefined && describedConnectErrors.includes(notConnected.code ?? "")) {
        return unreachable(daemonUnavailableMessage(socketPath, describeConnectError(notConnected, statOrMissing(socketPath))))
      }
      if (!gateHealthOk(jsonOf(health))) unsure("healthz is not a compatible daemon's")
      exchange(
        socketPath,
        `POST /v1/read-model HTTP/1.1\r\n${head}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
        deadline,
        (model) => {
          try {
            done(jsonOf(model))
          } catch (error) {
            fail(error)
          }
        }
      )
    } catch (error) {
      fail(error)
    }
  })
}

interface Flags {
  readonly values: Readonly<Record<string, string>>
}

/** `--name value` pairs of the allowed names, each at most once; anything else (other flags, `--x=y`, words): unsure. */
const parseFlags = (args: ReadonlyArray<string>, allowed: ReadonlyArray<string>): Flags => {
  const values: Record<string, string> = {}
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.slice(2)
    const value = args[i + 1]
    if (!args[i]!.startsWith("--") || !allowed.includes(name) || Object.hasOwn(values, name)) unsure("flags")
    if (value === undefined || value.startsWith("-")) unsure("flag value")
    values[name] = value!
  }
  return { values }
}

/** The git top level the hook is about; the environment variables that change git's discovery are git's to read. */
const hookTopLevel = (cwd: string | undefined) => findTopLevel(cwd ?? process.cwd())

/** session-start prints nothing when no bundle can be pending: none at all, or every one claimed (claim.json). */
const settleSessionStart = (stdin: ReadStdin) => {
  if (stdin.overLimit) unsure("stdin over its bound")
  let payload: unknown = {}
  if (stdin.text.trim() !== "") payload = JSON.parse(stdin.text)
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return unsure("payload")
  const cwd = (payload as Record<string, unknown>)["cwd"]
  if (cwd !== undefined && !(typeof cwd === "string" && cwd.startsWith("/"))) unsure("payload cwd")
  const root = hookTopLevel(cwd as string | undefined)
  if (!realDirectory(`${root}/.handover`) || !realDirectory(`${root}/.handover/bundles`)) return
  for (const name of readdirSync(`${root}/.handover/bundles`)) {
    // The CLI skips dot entries, and counts anything but a real directory as corrupt: never the pending bundle.
    if (name.startsWith(".") || !lstatSync(`${root}/.handover/bundles/${name}`).isDirectory()) continue
    const claim = readRegular(`${root}/.handover/bundles/${name}/claim.json`, storeReadLimits.claim) ?? unsure(`bundle ${name} is not claimed`)
    if (!gateClaimed(claim)) unsure(`bundle ${name}'s claim`)
  }
}

/** on-event: no store, an event trigger.events leaves out, or an armed tool under its threshold: one line, exit 0. */
const settleOnEvent = (stdin: ReadStdin, flags: Flags, exit: () => void, handOver: () => void) => {
  if (stdin.overLimit) unsure("stdin over its bound")
  const tool = flags.values["tool"]
  if (tool === undefined) return unsure("no --tool")
  const call = gateHookCall(tool, flags.values["event"], stdin.text) ?? unsure("hook call")
  const root = hookTopLevel(call.cwd)
  const configPath = `${root}/.handover/config.json`
  if (lstatOrMissing(configPath) === undefined) return exit()
  if (!realDirectory(`${root}/.handover`)) unsure(".handover")
  const config = gateConfig(readRegular(configPath, storeReadLimits.config) ?? unsure("config")) ?? unsure("config keys")
  const log = (skip: NonNullable<ReturnType<typeof gateEventSkip>>) => {
    appendEventLine(root, gateEventLine(Date.now(), call.tool, call.event, skip))
    exit()
  }
  const eventSkip = gateEventSkip(config, call.event)
  if (eventSkip !== undefined) return log(eventSkip)
  const socketPath = resolveSocketPath(config.socketPath, process.env, homedir())
  const settle = (answer: GateDaemonAnswer) => {
    try {
      const memoryText = realDirectory(`${root}/.handover/state`)
        ? readRegular(`${root}/.handover/state/trigger.json`, storeReadLimits.state)
        : unsure("state")
      log(gateDaemonSkip(config, call.tool, answer, memoryText, Date.now()) ?? unsure("the full policy decides"))
    } catch {
      handOver()
    }
  }
  askDaemon(
    socketPath,
    config.timeoutMs,
    (readModel) => settle({ _tag: "Answered", readModel }),
    (message) => settle({ _tag: "Unreachable", message }),
    handOver
  )
}

/** Variables that make git discover the repository differently, or set handover's config: the full CLI reads them. */
const handedOverEnv = (name: string) =>
  name.startsWith("HANDOVER_") ||
  ["GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_COMMON_DIR"].includes(name)

/**
 * Settles `handover on-event …` / `handover session-start …` when it can, exiting 0; otherwise calls handOver, at
 * most once, with the stdin it has read.
 */
export const runGate = (argv: ReadonlyArray<string>, handOver: HandOver): void => {
  const command = argv[2]
  if ((command !== "on-event" && command !== "session-start") || process.stdin.isTTY || Object.keys(process.env).some(handedOverEnv)) {
    return handOver(undefined)
  }
  readStdin(hookStdinLimits, (stdin) => {
    let handedOver = false
    const handOverOnce = () => {
      if (handedOver) return
      handedOver = true
      handOver(stdin)
    }
    const exit = () => process.exit(0)
    try {
      if (command === "session-start") {
        const flags = parseFlags(argv.slice(3), ["format", "target"])
        const format = flags.values["format"] ?? "plain"
        if (!gateSessionStartFormats.includes(format)) unsure("format")
        settleSessionStart(stdin)
        exit()
      } else {
        settleOnEvent(stdin, parseFlags(argv.slice(3), ["tool", "event"]), exit, handOverOnce)
      }
    } catch {
      handOverOnce()
    }
  })
}
