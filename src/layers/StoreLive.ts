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
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import { createHash, randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { Claim, decodeBundleJson, describeBundleError, encodeBundleJson, type Bundle, validateBundleId } from "../domain/Bundle.js"
import { AlreadyClaimed, BundleCorrupt, BundleNotFound, StoreBusy, StoreIoError } from "../domain/errors.js"
import { eventLogMaxBytes, storeGitignore, storeLayout } from "../domain/StoreLayout.js"
import { Store, type StagedBundle } from "../services/Store.js"

const privateDir = 0o700
const privateFile = 0o600
const stagingPrefix = ".staging-"
/** How long a command waits for another handover process to release the lock. */
const lockWait = Duration.seconds(15)
/** A lock file that does not name its holder (not written by handover) is stale after this long. */
const foreignLockGrace = 10_000
/** Past this age a lock is stale whoever holds it. */
const maxLockAge = 10 * 60_000

const LockOwner = Schema.parseJson(Schema.Struct({
  pid: Schema.Number,
  host: Schema.String,
  purpose: Schema.String,
  at: Schema.String
}))
const decodeLockOwner = Schema.decodeUnknownOption(LockOwner)
const decodeClaim = Schema.decodeUnknownOption(Schema.parseJson(Claim))

const reasonOf = (error: PlatformError): string =>
  error._tag === "SystemError" ? `${error.reason}${error.description ? `: ${error.description}` : ""}` : error.message

const io = (path: string, action: string) => (error: PlatformError) =>
  new StoreIoError({ path, action, reason: reasonOf(error) })

const isReason = (reason: string) => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === reason

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const tempName = (dir: string, name: string) => `${dir}/.tmp-${randomBytes(6).toString("hex")}-${name}`

export const StoreLive = Layer.effect(
  Store,
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem

    const readText = (path: string) =>
      fs.readFileString(path).pipe(
        Effect.map(Option.some),
        Effect.catchIf(isReason("NotFound"), () => Effect.succeed(Option.none<string>())),
        Effect.mapError(io(path, "read"))
      )

    /** Temp file beside the target, then rename: readers see the old file or the new one, never half of one. */
    const writeText = (path: string, text: string, mode = privateFile) => {
      const dir = path.slice(0, path.lastIndexOf("/"))
      const temp = tempName(dir, path.slice(dir.length + 1))
      return fs.writeFileString(temp, text, { mode }).pipe(
        Effect.zipRight(fs.chmod(temp, mode)),
        Effect.zipRight(fs.rename(temp, path)),
        Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
        Effect.mapError(io(path, "write"))
      )
    }

    /**
     * Creates a file only if none exists, whole or not at all: written beside it, then hard-linked into place (link
     * fails when the name exists). False when another process got there first.
     */
    const createExclusive = (path: string, text: string, mode: number) => {
      const temp = tempName(path.slice(0, path.lastIndexOf("/")), path.slice(path.lastIndexOf("/") + 1))
      return fs.writeFileString(temp, text, { mode }).pipe(
        Effect.zipRight(fs.chmod(temp, mode)),
        Effect.zipRight(fs.link(temp, path)),
        Effect.as(true),
        Effect.catchIf(isReason("AlreadyExists"), () => Effect.succeed(false)),
        Effect.ensuring(fs.remove(temp).pipe(Effect.ignore)),
        Effect.mapError(io(path, "create"))
      )
    }

    const makeDir = (path: string, mode: number) =>
      fs.makeDirectory(path, { recursive: true, mode }).pipe(
        Effect.zipRight(fs.chmod(path, mode)),
        Effect.mapError(io(path, "create directory"))
      )

    const ensure = (root: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* makeDir(layout.home, 0o755)
        for (const dir of [layout.bundles, layout.current, layout.state, layout.rendered]) {
          yield* makeDir(dir, privateDir)
        }
        const existing = yield* readText(layout.gitignore)
        if (Option.isNone(existing)) yield* writeText(layout.gitignore, storeGitignore, 0o644)
      })

    const lockIsStale = (lockPath: string, text: Option.Option<string>) =>
      Effect.gen(function*() {
        if (Option.isNone(text)) return false
        const now = yield* Clock.currentTimeMillis
        const owner = decodeLockOwner(text.value)
        if (Option.isSome(owner)) {
          // A reused pid can look alive: no capture holds the lock that long.
          const age = now - Date.parse(owner.value.at)
          return age > maxLockAge || (owner.value.host === hostname() && !processAlive(owner.value.pid))
        }
        const modified = yield* fs.stat(lockPath).pipe(
          Effect.map((info) => Option.getOrElse(Option.map(info.mtime, (d) => d.getTime()), () => now)),
          Effect.orElseSucceed(() => now)
        )
        return now - modified > foreignLockGrace
      })

    const tryCreateLock = (lockPath: string, purpose: string) =>
      Effect.gen(function*() {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const owner = JSON.stringify({ pid: process.pid, host: hostname(), purpose, at })
        const created = yield* createExclusive(lockPath, owner, privateFile)
        if (created) return Option.none<string>()
        // Someone holds it: recover it when its holder is gone, else report who holds it.
        const text = yield* readText(lockPath)
        if (yield* lockIsStale(lockPath, text)) {
          // Moved aside, then checked: if another recoverer already replaced the stale lock with its own fresh one,
          // that one is what was moved, and it is put back (link fails rather than overwrite a newer lock).
          const grave = tempName(lockPath.slice(0, lockPath.lastIndexOf("/")), "stale-lock")
          yield* fs.rename(lockPath, grave).pipe(
            Effect.zipRight(readText(grave)),
            Effect.flatMap((moved) =>
              Option.getOrNull(moved) === Option.getOrNull(text) ? Effect.void : fs.link(grave, lockPath)
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

    const withLock = <A, E, R>(root: string, purpose: string, effect: Effect.Effect<A, E, R>) => {
      const layout = storeLayout(root)
      const acquire = tryCreateLock(layout.lock, purpose).pipe(
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
      return Effect.acquireUseRelease(Effect.zipRight(ensure(root), acquire), () => effect, () => release)
    }

    const stageBundle = (root: string, id: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        // Leftovers of captures killed halfway: only reached under the lock, so nobody is writing them.
        const entries = yield* fs.readDirectory(layout.bundles).pipe(Effect.mapError(io(layout.bundles, "list")))
        for (const entry of entries.filter((name) => name.startsWith(stagingPrefix))) {
          yield* fs.remove(`${layout.bundles}/${entry}`, { recursive: true }).pipe(Effect.ignore)
        }
        const dir = `${layout.bundles}/${stagingPrefix}${id}`
        yield* Effect.acquireRelease(makeDir(dir, privateDir), () =>
          fs.remove(dir, { recursive: true }).pipe(Effect.ignore))
        return { id, dir, patchPath: `${dir}/workspace.patch` } satisfies StagedBundle
      })

    const writeStream = <E>(path: string, stream: Stream.Stream<Uint8Array, E>) =>
      Effect.suspend(() => {
        const hash = createHash("sha256")
        let bytes = 0
        return stream.pipe(
          Stream.tap((chunk) =>
            Effect.sync(() => {
              hash.update(chunk)
              bytes += chunk.length
            })
          ),
          Stream.run(fs.sink(path, { flag: "w", mode: privateFile }).pipe(Sink.mapError(io(path, "write")))),
          Effect.map(() => ({ bytes, sha256: hash.digest("hex") }))
        )
      })

    const commitBundle = (root: string, staged: StagedBundle, bundle: Bundle, summary: string) =>
      Effect.gen(function*() {
        yield* writeText(`${staged.dir}/summary.md`, summary)
        yield* writeText(`${staged.dir}/bundle.json`, encodeBundleJson(bundle))
        const target = storeLayout(root).bundle(staged.id)
        yield* fs.rename(staged.dir, target).pipe(Effect.mapError(io(target, "commit bundle to")))
      })

    const readBundleAt = (dir: string) =>
      Effect.gen(function*() {
        const path = `${dir}/bundle.json`
        const text = yield* readText(path)
        if (Option.isNone(text)) return Option.none<Either.Either<Bundle, BundleCorrupt>>()
        const bundleId = dir.slice(dir.lastIndexOf("/") + 1)
        const decoded = decodeBundleJson(text.value)
        if (Either.isLeft(decoded)) {
          const reason = describeBundleError(decoded.left)
          return Option.some(Either.left(new BundleCorrupt({ path, reason, bundleId })))
        }
        // Paths are built from the id: one that is not its directory's name could point anywhere.
        if (decoded.right.id !== bundleId || Either.isLeft(validateBundleId(bundleId))) {
          const reason = `its id ${JSON.stringify(decoded.right.id)} is not the bundle id of its directory`
          return Option.some(Either.left(new BundleCorrupt({ path, reason, bundleId })))
        }
        const bundle = decoded.right
        if (bundle.claim !== null) return Option.some(Either.right(bundle))
        // claim.json is the source of truth: a claimer killed before rewriting bundle.json still owns the bundle.
        const claim = Option.flatMap(yield* readText(`${dir}/claim.json`), decodeClaim)
        return Option.some(Either.right(Option.isSome(claim) ? { ...bundle, claim: claim.value } : bundle))
      })

    const listBundles = (root: string) =>
      Effect.gen(function*() {
        const dir = storeLayout(root).bundles
        const entries = yield* fs.readDirectory(dir).pipe(
          Effect.catchIf(isReason("NotFound"), () => Effect.succeed([] as Array<string>)),
          Effect.mapError(io(dir, "list"))
        )
        const found = yield* Effect.forEach(
          entries.filter((name) => !name.startsWith(".")),
          (name) => readBundleAt(`${dir}/${name}`),
          { concurrency: 8 }
        )
        return found.flatMap(Option.toArray)
      })

    const readBundle = (root: string, id: string) =>
      readBundleAt(storeLayout(root).bundle(id)).pipe(
        Effect.flatMap((found): Effect.Effect<Bundle, BundleNotFound | BundleCorrupt> =>
          Option.isNone(found) ? Effect.fail(new BundleNotFound({ id })) : found.value
        )
      )

    const currentId = (root: string) =>
      Effect.gen(function*() {
        const path = `${storeLayout(root).current}/bundle.json`
        const text = yield* readText(path)
        if (Option.isNone(text)) return Option.none<string>()
        const decoded = Either.flatMap(decodeBundleJson(text.value), (bundle) => validateBundleId(bundle.id))
        if (Either.isLeft(decoded)) return yield* new BundleCorrupt({ path, reason: "not a bundle" })
        return Option.some(decoded.right)
      })

    const claim = (root: string, bundle: Bundle, claimInfo: Claim) =>
      Effect.gen(function*() {
        const dir = storeLayout(root).bundle(bundle.id)
        const claimPath = `${dir}/claim.json`
        const won = yield* createExclusive(claimPath, JSON.stringify(claimInfo, null, 2) + "\n", privateFile)
        if (!won) {
          const existing = Option.flatMap(yield* readText(claimPath), decodeClaim)
          return yield* new AlreadyClaimed({
            id: bundle.id,
            by: Option.match(existing, { onNone: () => "another process", onSome: (c) => c.by }),
            at: Option.match(existing, { onNone: () => "an unknown time", onSome: (c) => c.at })
          })
        }
        const claimed: Bundle = { ...bundle, claim: claimInfo }
        yield* writeText(`${dir}/bundle.json`, encodeBundleJson(claimed))
        return claimed
      })

    const linkInto = (from: string, to: string) => {
      const temp = tempName(to.slice(0, to.lastIndexOf("/")), to.slice(to.lastIndexOf("/") + 1))
      return fs.link(from, temp).pipe(
        Effect.orElse(() => fs.copyFile(from, temp)),
        Effect.zipRight(fs.rename(temp, to)),
        Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore)),
        Effect.mapError(io(to, "write"))
      )
    }

    const promote = (root: string, bundle: Bundle, summary: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        yield* makeDir(layout.current, privateDir)
        // The patch is linked, not copied: it can be large. bundle.json goes last, it names what current/ holds.
        yield* linkInto(`${layout.bundle(bundle.id)}/workspace.patch`, `${layout.current}/workspace.patch`)
        yield* writeText(`${layout.current}/summary.md`, summary)
        yield* writeText(`${layout.current}/bundle.json`, encodeBundleJson(bundle))
      })

    const removeBundles = (root: string, ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => {
        const dir = storeLayout(root).bundle(id)
        return fs.remove(dir, { recursive: true }).pipe(Effect.mapError(io(dir, "remove")))
      }, { discard: true })

    const appendEvent = (root: string, line: string) =>
      Effect.gen(function*() {
        const layout = storeLayout(root)
        const size = yield* fs.stat(layout.eventLog).pipe(
          Effect.map((info) => Number(info.size)),
          Effect.orElseSucceed(() => 0)
        )
        if (size > eventLogMaxBytes) {
          yield* fs.rename(layout.eventLog, `${layout.eventLog}.1`).pipe(Effect.ignore)
        }
        // O_APPEND writes of one short line do not interleave between concurrent hooks.
        yield* fs.writeFileString(layout.eventLog, line.replace(/\n/g, " ") + "\n", { flag: "a", mode: privateFile })
      }).pipe(Effect.mapError(io(storeLayout(root).eventLog, "append to")))

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

    return Store.of({
      appendEvent,
      readTail,
      isInitialised: (root) =>
        fs.exists(storeLayout(root).config).pipe(Effect.mapError(io(storeLayout(root).config, "check"))),
      ensure,
      readConfigText: (root) => readText(storeLayout(root).config),
      writeConfigIfMissing: (root, text) =>
        Effect.gen(function*() {
          yield* ensure(root)
          const path = storeLayout(root).config
          return yield* createExclusive(path, text, 0o644)
        }),
      withLock,
      stageBundle,
      writeStream,
      commitBundle,
      listBundles,
      readBundle,
      currentId,
      claim,
      promote,
      removeBundles,
      readText,
      writeText: (path, text) => writeText(path, text),
      streamFile: (path) => fs.stream(path).pipe(Stream.mapError(io(path, "read"))),
      hashFile: (path) =>
        Effect.suspend(() => {
          const hash = createHash("sha256")
          return fs.stream(path).pipe(
            Stream.runFold(0, (bytes, chunk) => {
              hash.update(chunk)
              return bytes + chunk.length
            }),
            Effect.map((bytes) => Option.some({ bytes, sha256: hash.digest("hex") })),
            Effect.catchIf(isReason("NotFound"), () => Effect.succeed(Option.none())),
            Effect.mapError(io(path, "read"))
          )
        })
    })
  })
)
