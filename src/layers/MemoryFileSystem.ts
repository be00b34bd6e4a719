import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"

// A file system held in a Map, for unit tests of whatever is built on FileSystem (the Store): the same code as in
// production, without a disk. It implements what the store uses; the rest fails loudly as "not supported". Symbolic
// links can be made and read, never followed: the store does not follow them either.

type Entry =
  | { readonly type: "File"; data: Uint8Array; mode: number; mtime: Date }
  | { readonly type: "Directory"; mode: number; mtime: Date }
  | { readonly type: "SymbolicLink"; readonly target: string; mode: number; mtime: Date }

const systemError = (method: string, path: string, reason: PlatformError.SystemErrorReason, description: string) =>
  new PlatformError.SystemError({ module: "FileSystem", method, reason, description, pathOrDescriptor: path })

const normalise = (path: string): string => {
  const parts: Array<string> = []
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue
    if (part === "..") parts.pop()
    else parts.push(part)
  }
  return "/" + parts.join("/")
}

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf("/")) || "/"

const info = (entry: Entry): FileSystem.File.Info => ({
  type: entry.type,
  mtime: Option.some(entry.mtime),
  atime: Option.some(entry.mtime),
  birthtime: Option.some(entry.mtime),
  dev: 0,
  ino: Option.none(),
  mode: entry.mode,
  nlink: Option.none(),
  uid: Option.none(),
  gid: Option.none(),
  rdev: Option.none(),
  size: FileSystem.Size(entry.type === "File" ? entry.data.length : 0),
  blksize: Option.none(),
  blocks: Option.none()
})

export const makeMemoryFileSystem = (): FileSystem.FileSystem => {
  const entries = new Map<string, Entry>([["/", { type: "Directory", mode: 0o755, mtime: new Date(0) }]])

  const lookup = (method: string, raw: string) =>
    Effect.suspend(() => {
      const entry = entries.get(normalise(raw))
      return entry === undefined
        ? Effect.fail(systemError(method, raw, "NotFound", "No such file or directory"))
        : Effect.succeed(entry)
    })

  const file = (method: string, raw: string) =>
    Effect.flatMap(lookup(method, raw), (entry) =>
      entry.type === "File"
        ? Effect.succeed(entry)
        : Effect.fail(systemError(method, raw, "BadResource", entry.type === "Directory" ? "Is a directory" : "Is a link")))

  const requireParent = (method: string, path: string) =>
    Effect.flatMap(lookup(method, parentOf(path)), (parent) =>
      parent.type === "Directory"
        ? Effect.void
        : Effect.fail(systemError(method, path, "BadResource", "Not a directory")))

  const writeFile = (raw: string, data: Uint8Array, options?: FileSystem.WriteFileOptions) =>
    Effect.gen(function*() {
      const path = normalise(raw)
      yield* requireParent("writeFile", path)
      const existing = entries.get(path)
      const flag = options?.flag ?? "w"
      if (existing !== undefined && flag.includes("x")) {
        return yield* systemError("writeFile", raw, "AlreadyExists", "File exists")
      }
      if (existing !== undefined && existing.type !== "File") {
        return yield* systemError("writeFile", raw, "BadResource", `not a file: ${existing.type}`)
      }
      const prefix = existing !== undefined && flag.startsWith("a") ? existing.data : new Uint8Array(0)
      const combined = new Uint8Array(prefix.length + data.length)
      combined.set(prefix)
      combined.set(data, prefix.length)
      entries.set(path, { type: "File", data: combined, mode: existing?.mode ?? options?.mode ?? 0o644, mtime: new Date() })
    })

  const subtree = (path: string) => [...entries.keys()].filter((key) => key === path || key.startsWith(`${path}/`))

  const fs: Partial<FileSystem.FileSystem> = {
    access: (path) => Effect.asVoid(lookup("access", path)),
    exists: (path) => Effect.sync(() => entries.has(normalise(path))),
    chmod: (path, mode) => Effect.map(lookup("chmod", path), (entry) => void (entry.mode = mode)),
    makeDirectory: (raw, options) =>
      Effect.gen(function*() {
        const path = normalise(raw)
        const existing = entries.get(path)
        if (existing !== undefined) {
          if (options?.recursive && existing.type === "Directory") return
          return yield* systemError("makeDirectory", raw, "AlreadyExists", "File exists")
        }
        if (!options?.recursive) yield* requireParent("makeDirectory", path)
        let current = ""
        for (const part of path.split("/").slice(1)) {
          current += `/${part}`
          const at = entries.get(current)
          if (at === undefined) entries.set(current, { type: "Directory", mode: options?.mode ?? 0o755, mtime: new Date() })
          else if (at.type !== "Directory") return yield* systemError("makeDirectory", raw, "BadResource", "Not a directory")
        }
      }),
    readDirectory: (raw) =>
      Effect.flatMap(lookup("readDirectory", raw), (entry) => {
        if (entry.type !== "Directory") return Effect.fail(systemError("readDirectory", raw, "BadResource", "Not a directory"))
        const path = normalise(raw)
        const prefix = path === "/" ? "/" : `${path}/`
        return Effect.succeed(
          [...entries.keys()].filter((key) => key.startsWith(prefix) && key !== path && !key.slice(prefix.length).includes("/"))
            .map((key) => key.slice(prefix.length))
        )
      }),
    readFile: (path) => Effect.map(file("readFile", path), (entry) => entry.data.slice()),
    readFileString: (path) => Effect.map(file("readFileString", path), (entry) => new TextDecoder().decode(entry.data)),
    writeFile,
    writeFileString: (path, data, options) => writeFile(path, new TextEncoder().encode(data), options),
    remove: (raw, options) =>
      Effect.gen(function*() {
        const path = normalise(raw)
        const entry = yield* lookup("remove", raw)
        const inside = subtree(path)
        if (entry.type === "Directory" && inside.length > 1 && !options?.recursive) {
          return yield* systemError("remove", raw, "Busy", "Directory not empty")
        }
        for (const key of inside) entries.delete(key)
      }),
    rename: (rawFrom, rawTo) =>
      Effect.gen(function*() {
        const from = normalise(rawFrom)
        const to = normalise(rawTo)
        yield* lookup("rename", rawFrom)
        yield* requireParent("rename", to)
        const target = entries.get(to)
        if (target?.type === "Directory" && subtree(to).length > 1) {
          return yield* systemError("rename", rawTo, "Busy", "Directory not empty")
        }
        const moved = subtree(from).map((key) => [key, entries.get(key)!] as const)
        for (const key of subtree(to)) entries.delete(key)
        for (const [key] of moved) entries.delete(key)
        for (const [key, entry] of moved) entries.set(to + key.slice(from.length), entry)
      }),
    link: (rawFrom, rawTo) =>
      Effect.gen(function*() {
        const source = yield* file("link", rawFrom)
        const to = normalise(rawTo)
        yield* requireParent("link", to)
        if (entries.has(to)) return yield* systemError("link", rawTo, "AlreadyExists", "File exists")
        entries.set(to, source)
      }),
    symlink: (target, rawPath) =>
      Effect.gen(function*() {
        const path = normalise(rawPath)
        yield* requireParent("symlink", path)
        if (entries.has(path)) return yield* systemError("symlink", rawPath, "AlreadyExists", "File exists")
        entries.set(path, { type: "SymbolicLink", target, mode: 0o777, mtime: new Date() })
      }),
    readLink: (path) =>
      Effect.flatMap(lookup("readLink", path), (entry) =>
        entry.type === "SymbolicLink"
          ? Effect.succeed(entry.target)
          : Effect.fail(systemError("readLink", path, "Unknown", "Invalid argument"))),
    copyFile: (rawFrom, rawTo) =>
      Effect.flatMap(file("copyFile", rawFrom), (source) => writeFile(rawTo, source.data.slice(), { mode: source.mode })),
    stat: (path) => Effect.map(lookup("stat", path), info),
    stream: (path, options) =>
      Stream.unwrap(Effect.map(file("stream", path), (entry) => {
        const start = Number(options?.offset ?? 0)
        const end = options?.bytesToRead === undefined ? entry.data.length : start + Number(options.bytesToRead)
        const chunkSize = Number(options?.chunkSize ?? 64 * 1024)
        const chunks: Array<Uint8Array> = []
        for (let at = start; at < Math.min(end, entry.data.length); at += chunkSize) {
          chunks.push(entry.data.slice(at, Math.min(at + chunkSize, end)))
        }
        return Stream.fromIterable(chunks)
      })),
    sink: (path, options) =>
      Sink.unwrap(Effect.as(writeFile(path, new Uint8Array(0), options), Sink.forEach((chunk: Uint8Array) =>
        writeFile(path, chunk, { flag: "a" })
      )))
  }
  return FileSystem.makeNoop(fs)
}

/** A fresh, empty in-memory file system per layer build. */
export const MemoryFileSystemLayer = Layer.sync(FileSystem.FileSystem, makeMemoryFileSystem)
