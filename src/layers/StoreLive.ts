import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { createHash, randomBytes } from "node:crypto"
import { hostname } from "node:os"
import {
  type Bundle,
  Claim,
  decodeBundleJson,
  describeBundleError,
  encodeBundleJson,
  validateBundleId
} from "../domain/Bundle.js"
import { eventLogMaxBytes, storeReadLimits } from "../domain/Bounds.js"
import { AlreadyClaimed, BundleCorrupt, BundleNotFound, StoreBusy, StoreIoError, StoreUnsafe } from "../domain/errors.js"
import {
  bundleIdOfCurrentLink,
  currentLinkTarget,
  stagingPrefix,
  storeGitignore,
  storeLayout,
  tempFileName,
  tempFileWriter
} from "../domain/StoreLayout.js"
import { fileTypeName } from "../domain/Text.js"
import { entryAt, isReason, reasonOf } from "./FileEntry.js"
import { type StagedBundle, Store } from "../services/Store.js"

const privateDir = 0o700
const privateFile = 0o600
/** How long a command waits for another handover process to release the lock. */
const lockWait = Duration.seconds(15)
/** A lock file that does not name its holder (not written by handover) is stale after this long. */
const foreignLockGrace = 10_000
/** Past this age a lock is stale whoever holds it; so is one dated in the future (clocks differ by less). */
const maxLockAge = 10 * 60_000
const maxClockSkew = 60_000

const LockOwner = Schema.parseJson(Schema.Struct({
  pid: Schema.Number,
  host: Schema.String,
  purpose: Schema.String,
  at: Schema.String
}))
const decodeLockOwner = Schema.decodeUnknownOption(LockOwner)
const decodeClaim = Schema.decodeUnknownOption(Schema.parseJson(Claim))


const io = (path: string, action: string) => (error: PlatformError) =>
  new StoreIoError({ path, action, reason: reasonOf(error) })


const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf("/"))
const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1)
const tempBeside = (path: string) => `${dirOf(path)}/${tempFileName(process.pid, randomBytes(6).toString("hex"), nameOf(path))}`

export const StoreLive = Layer.effect(
  Store,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem

    const probe = (path: string) => entryAt(fs, path)

    /**
     * Refuses a path when any component below `trusted` (a directory already checked, at first the git top level) is
     * a symbolic link. Writes, appends, chmods and deletes under the store all pass through here first.
     */
    const guard = (trusted: string, path: string) =>
      Effect.gen(function*() {
        let at = trusted
        for (const part of path.slice(trusted.length + 1).split("/")) {
          at = `${at}/${part}`
          const entry = yield* probe(at)
          if (entry._tag === "Link") {
            return yield* new StoreUnsafe({ path: at, reason: `it is a symbolic link (to ${entry.target})` })
          }
          if (entry._tag === "Missing") return
        }
      })

    /** A regular file's text, bounded in size; none when it is missing. Links and special files are refused. */
    const readBounded = (trusted: string, path: string, maxBytes: number) =>
      Effect.gen(function*() {
        yield* guard(trusted, path)
        const info = yield* fs.stat(path).pipe(
          Effect.map(Option.some),
          Effect.catchIf(isReason("NotFound"), () => Effect.succeed(Option.none<FileSystem.File.Info>())),
          Effect.mapError(io(path, "read"))
        )
        if (Option.isNone(info)) return Option.none<string>()
        if (info.value.type !== "File") {
          return yield* new StoreUnsafe({ path, reason: `it is ${fileTypeName(info.value.type)}, not a regular file` })
        }
        if (Number(info.value.size) > maxBytes) {
          return yield* new StoreUnsafe({
            path,
            reason: `it is ${info.value.size} bytes, over the ${maxBytes} bytes such a file may have`
          })
        }
        const bytes = yield* fs.readFile(path).pipe(Effect.mapError(io(path, "read")))
        return Option.some(Buffer.from(bytes).toString("utf8"))
      })

    /** Temp file beside the target (created exclusively), then rename: readers see the old file or the new one. */
    const writeAtomic = (trusted: string, path: string, text: string, mode = privateFile) =>
      Effect.gen(function*() {
        yield* guard(trusted, dirOf(path))
        const temp = tempBeside(path)
        yield* fs.writeFileString(temp, text, { mode, flag: "wx" }).pipe(
          Effect.zipRight(fs.chmod(temp, mode)),
          Effect.zipRight(fs.rename(temp, path)),
          Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
          Effect.mapError(io(path, "write"))
        )
      })

    /**
     * Creates a file only if none exists, whole or not at all: written beside it, then hard-linked into place (link
     * fails when the name exists, a link included). False when another process got there first.
     */
    const createExclusive = (trusted: string, path: string, text: string, mode: number) =>
      Effect.gen(function*() {
        yield* guard(trusted, dirOf(path))
        const temp = tempBeside(path)
        return yield* fs.writeFileString(temp, text, { mode, flag: "wx" }).pipe(
          Effect.zipRight(fs.chmod(temp, mode)),
          Effect.zipRight(fs.link(temp, path)),
          Effect.as(true),
          Effect.catchIf(isReason("AlreadyExists"), () => Effect.succeed(false)),
          Effect.ensuring(fs.remove(temp).pipe(Effect.ignore)),
          Effect.mapError(io(path, "create"))
        )
      })

    /** A directory of the store, created when missing; a link in its place is refused, never chmod'ed through. */
    const makeDir = (root: string, path: string, mode: number) =>
      Effect.gen(function*() {
        yield* guard(root, path)
        yield* fs.makeDirectory(path, { recursive: true, mode }).pipe(
          Effect.zipRight(fs.chmod(path, mode)),
          Effect.mapError(io(path, "create directory"))
        )
      })

    const ensure = (root: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* makeDir(root, layout.home, 0o755)
        for (const dir of [layout.bundles, layout.state, layout.rendered]) {
          yield* makeDir(root, dir, privateDir)
        }
        // current is a link that promote creates. A committed .gitignore (or a link there) is left as it is.
        if ((yield* probe(layout.gitignore))._tag === "Missing") {
          yield* writeAtomic(root, layout.gitignore, storeGitignore, 0o644)
        }
      })

    const lockIsStale = (lockPath: string, text: Option.Option<string>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const owner = Option.flatMap(text, decodeLockOwner)
        if (Option.isSome(owner)) {
          // A reused pid can look alive: no capture holds the lock that long.
          const age = now - Date.parse(owner.value.at)
          return !(age <= maxLockAge && age >= -maxClockSkew) ||
            (owner.value.host === hostname() && !processAlive(owner.value.pid))
        }
        const modified = yield* fs.stat(lockPath).pipe(
          Effect.map((info) => Option.getOrElse(Option.map(info.mtime, (d) => d.getTime()), () => now)),
          Effect.orElseSucceed(() => now)
        )
        return now - modified > foreignLockGrace
      })

    const tryCreateLock = (root: string, lockPath: string, purpose: string) =>
      Effect.gen(function*() {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const owner = JSON.stringify({ pid: process.pid, host: hostname(), purpose, at })
        const created = yield* createExclusive(root, lockPath, owner, privateFile)
        if (created) return Option.none<string>()
        // Someone holds it: recover it when its holder is gone, else report who holds it. A lock handover cannot read
        // (a link, a special file) was not written by handover: it is moved aside at once.
        const read = yield* readBounded(root, lockPath, storeReadLimits.lock).pipe(Effect.either)
        const text = Either.getOrElse(read, () => Option.none<string>())
        if (Either.isLeft(read) || (yield* lockIsStale(lockPath, text))) {
          // Moved aside, then checked: if another recoverer already replaced the stale lock with its own fresh one,
          // that one is what was moved, and it is put back (link fails rather than overwrite a newer lock).
          const grave = tempBeside(`${dirOf(lockPath)}/stale-lock`)
          yield* fs.rename(lockPath, grave).pipe(
            Effect.zipRight(readBounded(root, grave, storeReadLimits.lock).pipe(Effect.orElseSucceed(() => Option.none()))),
            Effect.flatMap((moved) =>
              Either.isLeft(read) || Option.getOrNull(moved) === Option.getOrNull(text) ? Effect.void : fs.link(grave, lockPath)
            ),
            Effect.ensuring(fs.remove(grave).pipe(Effect.ignore)),
            Effect.ignore
          )
        }
        return Option.some(Option.match(Option.flatMap(text, decodeLockOwner), {
          onNone: () => "another handover process",
          onSome: (holder) => `handover ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.at})`
        }))
      })

    /** Removes what a killed process left in a directory: temporary files whose writer is gone. */
    const sweepTempFiles = (dir: string) =>
      Effect.gen(function*() {
        const entries = yield* fs.readDirectory(dir).pipe(Effect.orElseSucceed(() => [] as Array<string>))
        for (const entry of entries) {
          const writer = tempFileWriter(entry)
          if (writer !== undefined && writer !== process.pid && !processAlive(writer)) {
            yield* fs.remove(`${dir}/${entry}`).pipe(Effect.ignore)
          }
        }
        return entries
      })

    /**
     * Leftovers of processes killed halfway. Only called under the lock: nobody else is staging a bundle then, and a
     * temporary file of a live process (one waiting for the lock) is left alone.
     */
    const sweep = (root: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* sweepTempFiles(layout.home)
        yield* sweepTempFiles(layout.state)
        const entries = yield* sweepTempFiles(layout.bundles)
        for (const entry of entries) {
          const path = `${layout.bundles}/${entry}`
          if (entry.startsWith(stagingPrefix)) {
            // A link is removed itself, never what it points to.
            yield* fs.remove(path, { recursive: true }).pipe(Effect.ignore)
          } else if (Either.isRight(validateBundleId(entry)) && (yield* probe(path))._tag === "Present") {
            yield* sweepTempFiles(path)
          }
        }
      })

    const withLock = <A, E, R>(root: string, purpose: string, effect: Effect.Effect<A, E, R>) => {
      const layout = storeLayout(root)
      const acquire = tryCreateLock(root, layout.lock, purpose).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.void,
          onSome: (holder) => Effect.fail(new StoreBusy({ holder }))
        })),
        Effect.retry({
          while: (error) => error._tag === "StoreBusy",
          schedule: Schedule.spaced(Duration.millis(25)).pipe(Schedule.upTo(lockWait))
        })
      )
      const release = fs.remove(layout.lock).pipe(Effect.ignore)
      return Effect.acquireUseRelease(
        ensure(root).pipe(Effect.zipRight(acquire)),
        () => Effect.zipRight(sweep(root), effect),
        () => release
      )
    }

    const stageBundle = (root: string, id: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        const dir = `${layout.bundles}/${stagingPrefix}${id}`
        const scratchDir = `${dir}-scratch`
        yield* Effect.acquireRelease(
          Effect.zipRight(makeDir(root, dir, privateDir), makeDir(root, scratchDir, privateDir)),
          () =>
            Effect.zipRight(
              fs.remove(dir, { recursive: true }).pipe(Effect.ignore),
              fs.remove(scratchDir, { recursive: true }).pipe(Effect.ignore)
            )
        )
        return { id, dir, patchPath: `${dir}/workspace.patch`, scratchDir } satisfies StagedBundle
      })

    /** Swaps current to the bundle in one rename of a link; a directory left there by older versions goes first. */
    const pointCurrentAt = (root: string, id: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* guard(root, layout.home)
        const temp = tempBeside(layout.current)
        yield* fs.symlink(currentLinkTarget(id), temp).pipe(Effect.mapError(io(temp, "create")))
        const existing = yield* probe(layout.current)
        const isDirectory = existing._tag === "Present" &&
          (yield* fs.stat(layout.current).pipe(Effect.map((info) => info.type === "Directory"), Effect.orElseSucceed(() => false)))
        yield* Effect.gen(function*() {
          if (isDirectory) yield* fs.remove(layout.current, { recursive: true })
          yield* fs.rename(temp, layout.current)
        }).pipe(
          Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
          Effect.mapError(io(layout.current, "point"))
        )
      })

    const publishBundle = (root: string, staged: StagedBundle, bundle: Bundle, summary: string) =>
      Effect.gen(function*() {
        yield* writeAtomic(root, `${staged.dir}/summary.md`, summary)
        yield* writeAtomic(root, `${staged.dir}/bundle.json`, encodeBundleJson(bundle))
        const target = storeLayout(root).bundle(staged.id)
        yield* fs.rename(staged.dir, target).pipe(Effect.mapError(io(target, "commit bundle to")))
        // Taken back into staging (which the scope removes) if current cannot point at it: the store stays as it was.
        yield* pointCurrentAt(root, staged.id).pipe(
          Effect.tapError(() => fs.rename(target, staged.dir).pipe(Effect.ignore))
        )
      })

    type BundleEntry = Option.Option<Either.Either<Bundle, BundleCorrupt>>
    const corrupt = (path: string, reason: string, bundleId?: string): Either.Either<Bundle, BundleCorrupt> =>
      Either.left(new BundleCorrupt({ path, reason, ...(bundleId === undefined ? {} : { bundleId }) }))

    /** One entry of bundles/, below an already checked bundles/; never follows a link, never trusts an id on disk. */
    const readBundleEntry = (bundles: string, name: string): Effect.Effect<BundleEntry> =>
      Effect.gen(function*() {
        const dir = `${bundles}/${name}`
        if (Either.isLeft(validateBundleId(name))) {
          return Option.some(corrupt(dir, "not a bundle: its name is not a bundle id"))
        }
        const entry = yield* probe(dir)
        if (entry._tag === "Missing") return Option.none<Either.Either<Bundle, BundleCorrupt>>()
        if (entry._tag === "Link") return Option.some(corrupt(dir, `it is a symbolic link (to ${entry.target})`, name))
        const path = `${dir}/bundle.json`
        const text = yield* readBounded(bundles, path, storeReadLimits.bundleJson).pipe(Effect.either)
        if (Either.isLeft(text)) return Option.some(corrupt(path, text.left.reason, name))
        if (Option.isNone(text.right)) return Option.none<Either.Either<Bundle, BundleCorrupt>>()
        const decoded = decodeBundleJson(text.right.value)
        if (Either.isLeft(decoded)) return Option.some(corrupt(path, describeBundleError(decoded.left), name))
        const bundle = decoded.right
        if (bundle.id !== name) {
          return Option.some(corrupt(path, `its id ${JSON.stringify(bundle.id)} is not its directory's name`, name))
        }
        // claim.json is the source of truth: a claimer killed before rewriting bundle.json still owns the bundle.
        const claimText = yield* readBounded(bundles, `${dir}/claim.json`, storeReadLimits.claim).pipe(Effect.either)
        if (Either.isLeft(claimText)) return Option.some(corrupt(`${dir}/claim.json`, claimText.left.reason, name))
        if (bundle.claim !== null) return Option.some(Either.right(bundle))
        const claim = Option.flatMap(claimText.right, decodeClaim)
        return Option.some(Either.right(Option.isSome(claim) ? { ...bundle, claim: claim.value } : bundle))
      })

    const listBundles = (root: string) =>
      Effect.gen(function*() {
        const dir = storeLayout(root).bundles
        yield* guard(root, dir)
        const entries = yield* fs.readDirectory(dir).pipe(
          Effect.catchIf(isReason("NotFound"), () => Effect.succeed([] as Array<string>)),
          Effect.mapError(io(dir, "list"))
        )
        const found = yield* Effect.forEach(
          entries.filter((name) => !name.startsWith(".")),
          (name) => readBundleEntry(dir, name),
          { concurrency: 8 }
        )
        return found.flatMap(Option.toArray)
      })

    const readBundle = (root: string, id: string) =>
      Effect.gen(function*() {
        const dir = storeLayout(root).bundles
        yield* guard(root, dir)
        const found = yield* readBundleEntry(dir, id)
        if (Option.isNone(found)) return yield* new BundleNotFound({ id })
        return yield* found.value
      })

    const currentId = (root: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* guard(root, layout.home)
        const entry = yield* probe(layout.current)
        if (entry._tag === "Missing") return Option.none<string>()
        if (entry._tag === "Link") {
          const id = bundleIdOfCurrentLink(entry.target)
          if (id === undefined) {
            return yield* new StoreUnsafe({ path: layout.current, reason: `it links to ${entry.target}, not to a bundle` })
          }
          return Option.some(id)
        }
        // A directory written by an older handover, whose bundle.json names the bundle.
        const path = `${layout.current}/bundle.json`
        const text = yield* readBounded(root, path, storeReadLimits.bundleJson)
        if (Option.isNone(text)) return Option.none<string>()
        const decoded = Either.flatMap(decodeBundleJson(text.value), (bundle) => validateBundleId(bundle.id))
        if (Either.isLeft(decoded)) return yield* new BundleCorrupt({ path, reason: "not a bundle" })
        return Option.some(decoded.right)
      })

    /** A bundle's own directory, checked: a real directory named by a valid id. */
    const bundleDir = (root: string, id: string) =>
      Effect.gen(function*() {
        const dir = storeLayout(root).bundle(id)
        if (Either.isLeft(validateBundleId(id))) {
          return yield* new StoreUnsafe({ path: dir, reason: "its name is not a bundle id" })
        }
        yield* guard(root, dir)
        return dir
      })

    const claim = (root: string, bundle: Bundle, claimInfo: Claim) =>
      Effect.gen(function*() {
        const dir = yield* bundleDir(root, bundle.id)
        const claimPath = `${dir}/claim.json`
        const won = yield* createExclusive(root, claimPath, JSON.stringify(claimInfo, null, 2) + "\n", privateFile)
        if (!won) {
          const existing = Option.flatMap(
            yield* readBounded(root, claimPath, storeReadLimits.claim).pipe(Effect.orElseSucceed(() => Option.none())),
            decodeClaim
          )
          return yield* new AlreadyClaimed({
            id: bundle.id,
            by: Option.match(existing, { onNone: () => "another process", onSome: (c) => c.by }),
            at: Option.match(existing, { onNone: () => "an unknown time", onSome: (c) => c.at })
          })
        }
        const claimed: Bundle = { ...bundle, claim: claimInfo }
        yield* writeAtomic(root, `${dir}/bundle.json`, encodeBundleJson(claimed))
        return claimed
      })

    const promote = (root: string, bundle: Bundle, summary: string) =>
      Effect.gen(function*() {
        const dir = yield* bundleDir(root, bundle.id)
        yield* writeAtomic(root, `${dir}/summary.md`, summary)
        yield* pointCurrentAt(root, bundle.id)
      })

    const removeBundles = (root: string, ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) =>
        Effect.gen(function*() {
          const dir = yield* bundleDir(root, id)
          // rm -r removes links inside the directory, never what they point to.
          yield* fs.remove(dir, { recursive: true }).pipe(Effect.mapError(io(dir, "remove")))
        }), { discard: true })

    const patchPath = (root: string, id: string) => Effect.map(bundleDir(root, id), (dir) => `${dir}/workspace.patch`)

    /** The patch as a regular file below a checked bundle directory. */
    const checkedPatch = (root: string, id: string) =>
      Effect.gen(function*() {
        const path = yield* patchPath(root, id)
        yield* guard(root, path)
        const info = yield* fs.stat(path).pipe(
          Effect.map(Option.some),
          Effect.catchIf(isReason("NotFound"), () => Effect.succeed(Option.none<FileSystem.File.Info>())),
          Effect.mapError(io(path, "read"))
        )
        if (Option.isSome(info) && info.value.type !== "File") {
          return yield* new StoreUnsafe({ path, reason: `it is ${fileTypeName(info.value.type)}, not a regular file` })
        }
        return Option.as(info, path)
      })

    const appendEvent = (root: string, line: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        // A repository cloned with only config.json committed has no state/ yet.
        yield* makeDir(root, layout.state, privateDir)
        yield* guard(root, layout.eventLog)
        const info = yield* fs.stat(layout.eventLog).pipe(Effect.map(Option.some), Effect.orElseSucceed(() => Option.none()))
        if (Option.isSome(info) && info.value.type !== "File") {
          return yield* new StoreUnsafe({ path: layout.eventLog, reason: `it is ${fileTypeName(info.value.type)}, not a regular file` })
        }
        if (Option.isSome(info) && Number(info.value.size) > eventLogMaxBytes) {
          // rename replaces whatever is at events.log.1, a link included, without following it.
          yield* fs.rename(layout.eventLog, `${layout.eventLog}.1`).pipe(Effect.ignore)
        }
        // O_APPEND writes of one short line do not interleave between concurrent hooks.
        yield* fs.writeFileString(layout.eventLog, line.replace(/\n/g, " ") + "\n", { flag: "a", mode: privateFile }).pipe(
          Effect.mapError(io(layout.eventLog, "append to"))
        )
      })

    const readTail = (path: string, maxBytes: number) =>
      Effect.gen(function*() {
        const info = yield* fs.stat(path)
        if (info.type !== "File") return Option.none<string>()
        const size = Number(info.size)
        const offset = Math.max(0, size - maxBytes)
        const bytes = yield* fs.stream(path, { offset, bytesToRead: size - offset }).pipe(
          Stream.runCollect,
          Effect.map((chunks) => Buffer.concat([...chunks]))
        )
        return Option.some(bytes.toString("utf8"))
      }).pipe(
        Effect.catchIf(isReason("NotFound"), () => Effect.succeed(Option.none<string>())),
        Effect.mapError(io(path, "read"))
      )

    const purge = (root: string, keep: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const home = storeLayout(root).home
        yield* guard(root, home)
        const holdsKept = (rel: string) => keep.some((kept) => kept.startsWith(`${rel}/`))
        const clear = (dir: string): Effect.Effect<void, StoreIoError> =>
          Effect.gen(function*() {
            const entries = yield* fs.readDirectory(dir).pipe(Effect.mapError(io(dir, "list")))
            for (const name of entries) {
              const path = `${dir}/${name}`
              const rel = path.slice(root.length + 1)
              if (keep.includes(rel)) continue
              if (holdsKept(rel) && (yield* probe(path))._tag === "Present") yield* clear(path)
              else yield* fs.remove(path, { recursive: true }).pipe(Effect.mapError(io(path, "remove")))
            }
          })
        if ((yield* probe(home))._tag === "Missing") return
        if (keep.length === 0) {
          yield* fs.remove(home, { recursive: true }).pipe(Effect.mapError(io(home, "remove")))
        } else {
          yield* clear(home)
        }
      })

    return Store.of({
      purge,
      appendEvent,
      readTail,
      isInitialised: (root) =>
        fs.exists(storeLayout(root).config).pipe(Effect.mapError(io(storeLayout(root).config, "check"))),
      ensure,
      readConfigText: (root) => readBounded(root, storeLayout(root).config, storeReadLimits.config),
      writeConfigIfMissing: (root, text) =>
        Effect.zipRight(ensure(root), createExclusive(root, storeLayout(root).config, text, 0o644)),
      withLock,
      stageBundle,
      publishBundle,
      listBundles,
      readBundle,
      currentId,
      claim,
      promote,
      removeBundles,
      readState: (root, file) => readBounded(root, `${storeLayout(root).state}/${file}`, storeReadLimits.state),
      writeState: (root, file, text) => writeAtomic(root, `${storeLayout(root).state}/${file}`, text),
      writeRendered: (root, name, text) =>
        Effect.gen(function*() {
          const layout = storeLayout(root)
          yield* makeDir(root, layout.rendered, privateDir)
          const path = `${layout.rendered}/${name}`
          yield* writeAtomic(root, path, text)
          return path
        }),
      streamPatch: (root, id) =>
        Stream.unwrap(Effect.map(checkedPatch(root, id), (path) =>
          Option.match(path, {
            onNone: () => Stream.fail(new StoreIoError({ path: `bundle ${id}`, action: "read", reason: "its workspace.patch is missing" })),
            onSome: (file) => fs.stream(file).pipe(Stream.mapError(io(file, "read")))
          }))),
      hashPatch: (root, id) =>
        Effect.flatMap(checkedPatch(root, id), Option.match({
          onNone: () => Effect.succeed(Option.none()),
          onSome: (path) =>
            Effect.suspend(() => {
              const hash = createHash("sha256")
              return fs.stream(path).pipe(
                Stream.runFold(0, (bytes, chunk) => {
                  hash.update(chunk)
                  return bytes + chunk.length
                }),
                Effect.map((bytes) => Option.some({ bytes, sha256: hash.digest("hex") })),
                Effect.mapError(io(path, "read"))
              )
            })
        }))
    })
  })
)
