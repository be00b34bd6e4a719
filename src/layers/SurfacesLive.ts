import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { randomBytes } from "node:crypto"
import { InstalledManifestCorrupt, SurfaceIoError, SurfaceUnsafe } from "../domain/errors.js"
import type { FileReading, FileWrite, Installed, Plan } from "../domain/Install.js"
import { storeLayout, tempFileName } from "../domain/StoreLayout.js"
import { fileTypeName } from "../domain/Text.js"
import { Surfaces } from "../services/Surfaces.js"
import { type Entry, entryAt, isReason, reasonOf } from "./FileEntry.js"

/** Loaded on first use: the JSON editor is not needed by the commands the hooks run, whose start-up is the hot path. */
const domain = Effect.promise(() => import("../domain/Install.js"))

/** Guidance files and hook configs are small; a bigger file is not one handover should be editing. */
const maxTargetBytes = 4 * 1024 * 1024
const maxInstalledBytes = 16 * 1024 * 1024
const newFileMode = 0o644
const privateFile = 0o600

const io = (path: string, action: string) => (error: PlatformError) =>
  new SurfaceIoError({ path, action, reason: reasonOf(error) })

const isNotFound = isReason("NotFound")

const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/")))
const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1)

/** A file as found on disk: its text and mode, or missing. */
interface Found {
  readonly text: string | null
  readonly mode: number
}

export const SurfacesLive = Layer.effect(
  Surfaces,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem

    /**
     * Checks every directory from the top level down to `path` (relative to root): a link is refused, a missing one
     * is listed (with those below it) as a directory to create.
     */
    const checkDirs = (root: string, path: string) =>
      Effect.gen(function*() {
        const parts = path.split("/").slice(0, -1)
        const missing: Array<string> = []
        for (let index = 0; index < parts.length; index++) {
          const dir = parts.slice(0, index + 1).join("/")
          if (missing.length > 0) {
            missing.push(dir)
            continue
          }
          const entry = yield* entryAt(fs, `${root}/${dir}`)
          if (entry._tag === "Missing") {
            missing.push(dir)
          } else if (entry._tag === "Link") {
            return yield* new SurfaceUnsafe({ path: dir, reason: `it is a symbolic link (to ${entry.target})` })
          } else {
            const info = yield* fs.stat(`${root}/${dir}`).pipe(Effect.mapError(io(dir, "check")))
            if (info.type !== "Directory") {
              return yield* new SurfaceUnsafe({ path: dir, reason: `it is ${fileTypeName(info.type)}, not a directory` })
            }
          }
        }
        return missing
      })

    /** A target's text, read only when it is a regular, bounded, UTF-8 file below directories that are not links. */
    const readTarget = (root: string, path: string, limit = maxTargetBytes) =>
      Effect.gen(function*() {
        const missingDirs = yield* checkDirs(root, path)
        const full = `${root}/${path}`
        const entry: Entry = missingDirs.length > 0 ? { _tag: "Missing" } : yield* entryAt(fs, full)
        if (entry._tag === "Missing") return { found: { text: null, mode: newFileMode } satisfies Found, missingDirs }
        if (entry._tag === "Link") return yield* new SurfaceUnsafe({ path, reason: `it is a symbolic link (to ${entry.target})` })
        const info = yield* fs.stat(full).pipe(Effect.mapError(io(path, "read")))
        if (info.type !== "File") {
          return yield* new SurfaceUnsafe({ path, reason: `it is ${fileTypeName(info.type)}, not a regular file` })
        }
        if (Number(info.size) > limit) {
          return yield* new SurfaceUnsafe({ path, reason: `it is ${info.size} bytes, more than the ${limit} handover edits` })
        }
        const bytes = Buffer.from(yield* fs.readFile(full).pipe(Effect.mapError(io(path, "read"))))
        const text = bytes.toString("utf8")
        // Edited as text and restored from that text: only bytes that round-trip through UTF-8 can be put back exactly.
        if (!Buffer.from(text, "utf8").equals(bytes)) {
          return yield* new SurfaceUnsafe({ path, reason: "it is not UTF-8 text" })
        }
        return { found: { text, mode: info.mode & 0o7777 } satisfies Found, missingDirs }
      })

    /** Temporary file beside the target (created exclusively, given the mode), then renamed over it. */
    const writeAtomic = (root: string, path: string, text: string, mode: number) =>
      Effect.gen(function*() {
        yield* checkDirs(root, path)
        const full = `${root}/${path}`
        const temp = `${root}/${dirOf(path) === "" ? "" : `${dirOf(path)}/`}${tempFileName(process.pid, randomBytes(6).toString("hex"), nameOf(path))}`
        yield* fs.writeFileString(temp, text, { flag: "wx", mode }).pipe(
          Effect.zipRight(fs.chmod(temp, mode)),
          Effect.zipRight(fs.rename(temp, full)),
          Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
          Effect.mapError(io(path, "write"))
        )
      })

    const removeFile = (root: string, path: string) =>
      checkDirs(root, path).pipe(
        Effect.zipRight(fs.remove(`${root}/${path}`).pipe(Effect.catchIf(isNotFound, () => Effect.void), Effect.mapError(io(path, "remove"))))
      )

    const writeOrRemove = (root: string, path: string, text: string | null, mode: number) =>
      text === null ? removeFile(root, path) : writeAtomic(root, path, text, mode)

    /** Removes a directory only when it is empty and not a link (a link there is left alone). */
    const removeDirIfEmpty = (root: string, dir: string) =>
      Effect.gen(function*() {
        if ((yield* entryAt(fs, `${root}/${dir}`))._tag !== "Present") return false
        const entries = yield* fs.readDirectory(`${root}/${dir}`).pipe(Effect.orElseSucceed(() => ["?"]))
        if (entries.length > 0) return false
        yield* fs.remove(`${root}/${dir}`, { recursive: true }).pipe(Effect.mapError(io(dir, "remove")))
        return true
      })

    const installedPath = (root: string) => storeLayout(root).installed
    const installedName = ".handover/installed.json"

    const readInstalled = (root: string) =>
      Effect.gen(function*() {
        const { decodeInstalled } = yield* domain
        const read = yield* readTarget(root, installedName, maxInstalledBytes)
        if (read.found.text === null) return Option.none<Installed>()
        const decoded = decodeInstalled(read.found.text)
        if (Either.isLeft(decoded)) {
          return yield* new InstalledManifestCorrupt({ path: installedPath(root), reason: decoded.left })
        }
        return Option.some(decoded.right)
      })

    const writeInstalled = (root: string, installed: Installed | null) =>
      Effect.gen(function*() {
        const { encodeInstalled } = yield* domain
        yield* checkDirs(root, installedName)
        yield* fs.makeDirectory(storeLayout(root).home, { recursive: true }).pipe(Effect.mapError(io(storeLayout(root).home, "create")))
        yield* writeOrRemove(root, installedName, installed === null ? null : encodeInstalled(installed), privateFile)
      })

    /** Every target, read and checked before anything is written. */
    const readAll = (root: string, paths: ReadonlyArray<string>) =>
      Effect.forEach([...new Set(paths)], (path) =>
        Effect.map(readTarget(root, path), (read) => ({ path, ...read })))

    /**
     * Writes a plan: directories, then files; when one step fails, the steps before it are taken back (files to
     * their previous text, created directories removed) and the failure is reported.
     */
    const applyPlan = (root: string, plan: Plan, previous: ReadonlyMap<string, Found>) =>
      Effect.gen(function*() {
        const undo: Array<Effect.Effect<unknown, unknown>> = []
        const step = <E>(effect: Effect.Effect<unknown, E>, back: Effect.Effect<unknown, unknown>) =>
          Effect.zipRight(effect, Effect.sync(() => undo.unshift(back)))
        const steps = [
          ...plan.createDirs.map((dir) =>
            step(fs.makeDirectory(`${root}/${dir}`).pipe(Effect.mapError(io(dir, "create directory"))), removeDirIfEmpty(root, dir))
          ),
          ...plan.writes.map((write: FileWrite) => {
            const before = previous.get(write.path)!
            return step(writeOrRemove(root, write.path, write.text, before.mode), writeOrRemove(root, write.path, before.text, before.mode))
          })
        ]
        yield* Effect.forEach(steps, (effect) => effect, { discard: true }).pipe(
          Effect.tapError(() => Effect.forEach(undo, (back) => Effect.ignore(back), { discard: true }))
        )
        for (const dir of plan.removeDirs) yield* Effect.ignore(removeDirIfEmpty(root, dir))
      })

    const install: Surfaces["Type"]["install"] = (root, requests) =>
      Effect.gen(function*() {
        const { planInstall, isRepoPath, emptyInstalled, encodeInstalled } = yield* domain
        const paths = requests.flatMap((request) => request.surfaces.map((surface) => surface.path))
        for (const path of paths) {
          if (!isRepoPath(path)) {
            return yield* new SurfaceUnsafe({ path, reason: "it is not a relative path inside the repository, outside .git and .handover" })
          }
        }
        const current = yield* readInstalled(root)
        const installed = Option.getOrElse(current, () => emptyInstalled)
        const reads = yield* readAll(root, paths)
        const readings = new Map<string, FileReading>(reads.map((read) => [read.path, { path: read.path, text: read.found.text, missingDirs: read.missingDirs }]))
        const plan = planInstall(installed, requests, readings)
        if (Either.isLeft(plan)) return yield* plan.left
        const changesManifest = plan.right.installed !== null &&
          (Option.isNone(current) || encodeInstalled(plan.right.installed) !== encodeInstalled(current.value))
        // Recorded first: a process killed before the files are written leaves a record disable can act on.
        if (changesManifest) yield* writeInstalled(root, plan.right.installed)
        yield* applyPlan(root, plan.right, new Map(reads.map((read) => [read.path, read.found]))).pipe(
          Effect.tapError(() => changesManifest ? Effect.ignore(writeInstalled(root, Option.getOrNull(current))) : Effect.void)
        )
        return plan.right.report
      })

    const uninstall: Surfaces["Type"]["uninstall"] = (root, adapters) =>
      Effect.gen(function*() {
        const { encodeInstalled, planUninstall } = yield* domain
        const current = yield* readInstalled(root)
        if (Option.isNone(current)) return []
        const reads = yield* readAll(root, current.value.files.map((record) => record.path))
        const plan = planUninstall(current.value, adapters, new Map(reads.map((read) => [read.path, read.found.text])))
        yield* applyPlan(root, plan, new Map(reads.map((read) => [read.path, read.found])))
        // Updated last: a disable killed halfway is run again, and finds files already restored as they were.
        if (plan.installed === null || encodeInstalled(plan.installed) !== encodeInstalled(current.value)) {
          yield* writeInstalled(root, plan.installed)
        }
        return plan.report
      })

    return Surfaces.of({ install, uninstall, installed: readInstalled })
  })
)
