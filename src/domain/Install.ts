import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { SurfaceConflict } from "./errors.js"
import {
  addBlock,
  addJsonEntry,
  addYamlItem,
  type BlockRemoval,
  isEmptyJsonDocument,
  type Refusal,
  removeBlock,
  removeJsonEntry,
  removeYamlItem,
  sameJson
} from "./SurfaceEdits.js"
import type { Surface } from "./Surfaces.js"
import { firstIssue } from "./Text.js"

// What install changes in a repository and how disable takes it back, decided from the files' texts alone: the
// Surfaces layer reads the files, calls these, and writes what they return.

/**
 * A path inside the repository as the adapters and installed.json name it: relative, "/"-separated, no "." or ".."
 * component, nothing inside .git or the store. installed.json may come with a cloned repository, so its paths are
 * checked like the adapters' before anything is read or written.
 */
export const RepoPath = Schema.String.pipe(
  Schema.filter((path) =>
    /^[^/\\\0]+(\/[^/\\\0]+)*$/.test(path) &&
    path.split("/").every((part) => part !== "." && part !== "..") &&
    !/^(\.git|\.handover)(\/|$)/.test(path) || "must be a relative path inside the repository, outside .git and .handover"
  )
)

export const isRepoPath = (path: string): boolean => Either.isRight(Schema.decodeUnknownEither(RepoPath)(path))

const Sha256 = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))
const AdapterId = Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9-]{0,39}$/))

/** One change install made for an adapter, with what disable needs to find it again. */
export const Change = Schema.Union(
  Schema.TaggedStruct("FileCreated", { path: RepoPath, sha256: Sha256 }),
  Schema.TaggedStruct("DirectoryCreated", { path: RepoPath }),
  Schema.TaggedStruct("BlockInserted", { path: RepoPath, content: Schema.String }),
  Schema.TaggedStruct("JsonEntryAdded", { path: RepoPath, at: Schema.Array(Schema.String), value: Schema.Unknown }),
  Schema.TaggedStruct("YamlItemAdded", { path: RepoPath, key: Schema.String, item: Schema.String })
)
export type Change = typeof Change.Type

/** A file install wrote: how it was before (null when install created it) and the sha256 of what install left. */
export const FileRecord = Schema.Struct({
  path: RepoPath,
  before: Schema.NullOr(Schema.Struct({ text: Schema.String, sha256: Sha256 })),
  leftSha256: Sha256
})
export type FileRecord = typeof FileRecord.Type

/** .handover/installed.json */
export const Installed = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  adapters: Schema.Array(Schema.Struct({ id: AdapterId, changes: Schema.Array(Change) })),
  files: Schema.Array(FileRecord)
})
export type Installed = typeof Installed.Type

export const emptyInstalled: Installed = { schemaVersion: 1, adapters: [], files: [] }

const InstalledJson = Schema.parseJson(Installed)

export const encodeInstalled = (installed: Installed): string => JSON.stringify(installed, null, 2) + "\n"

/** installed.json's text, decoded; the reason when it is not what install writes. */
export const decodeInstalled = (text: string): Either.Either<Installed, string> =>
  Either.mapLeft(Schema.decodeUnknownEither(InstalledJson)(text), (error) => {
    const issue = firstIssue(error)
    return issue.field === "" ? issue.reason : `${issue.field}: ${issue.reason}`
  })

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")

/** What one adapter asks install to write. */
export interface AdapterSurfaces {
  readonly adapter: string
  readonly surfaces: ReadonlyArray<Surface>
}

/** A target file as the layer found it: its text (null when missing) and, when missing, the directories missing above it. */
export interface FileReading {
  readonly path: string
  readonly text: string | null
  readonly missingDirs: ReadonlyArray<string>
}

/** A file to write, or (text null) to delete. */
export interface FileWrite {
  readonly path: string
  readonly text: string | null
}

export type Outcome = "added" | "present" | "removed" | "restored" | "kept" | "gone"

/** One line of what install or disable did, for the user. */
export interface ReportItem {
  readonly adapter: string
  readonly path: string
  readonly what: string
  readonly outcome: Outcome
  /** Why, when the outcome is "kept" or "gone". */
  readonly why?: string
}

export interface Plan {
  /** Directories to create, parents first. */
  readonly createDirs: ReadonlyArray<string>
  readonly writes: ReadonlyArray<FileWrite>
  /** Directories to remove when they are empty, children first. */
  readonly removeDirs: ReadonlyArray<string>
  /** The new installed.json; null when nothing is installed any more. */
  readonly installed: Installed | null
  readonly report: ReadonlyArray<ReportItem>
}

const describe = (change: Change): string => {
  switch (change._tag) {
    case "FileCreated":
      return "file"
    case "DirectoryCreated":
      return "directory"
    case "BlockInserted":
      return "managed block"
    case "JsonEntryAdded":
      return `entry in ${change.at.join(".")}`
    case "YamlItemAdded":
      return `${change.item} in ${change.key}`
  }
}

const sameChange = (a: Change, b: Change) => sameJson(a, b)

const union = (into: ReadonlyArray<Change>, more: ReadonlyArray<Change>): ReadonlyArray<Change> =>
  more.reduce<ReadonlyArray<Change>>((all, change) => (all.some((known) => sameChange(known, change)) ? all : [...all, change]), into)

const refuse = (path: string) => (refusal: Refusal) => new SurfaceConflict({ path, ...refusal })

/** The change a surface asks for, once applied to `text`: the new text, and the change when install made (or owns) it. */
const applySurface = (
  text: string | null,
  surface: Surface,
  owned: (change: Change) => boolean
): Either.Either<{ readonly text: string | null; readonly changes: ReadonlyArray<Change>; readonly kept: ReadonlyArray<ReportItem["why"]> }, SurfaceConflict> => {
  const path = surface.path
  // An entry that was there before install is the user's: not recorded, so disable never takes it out.
  const recordIf = (added: boolean, change: Change) => (added || owned(change) ? [change] : [])
  switch (surface._tag) {
    case "OwnedFile": {
      const change: Change = { _tag: "FileCreated", path, sha256: sha256(surface.content) }
      if (text === null) return Either.right({ text: surface.content, changes: [change], kept: [] })
      if (text === surface.content) return Either.right({ text, changes: recordIf(false, change), kept: [] })
      if ((owned(change))) return Either.right({ text, changes: [change], kept: ["edited since handover created it"] })
      return Either.left(new SurfaceConflict({
        path,
        reason: "a file handover did not write is already there",
        fix: "move it aside (or merge it by hand and leave this adapter out) and run again"
      }))
    }
    case "ManagedBlock":
      return Either.map(Either.mapLeft(addBlock(text, path, surface.content), refuse(path)), (next) => ({
        text: next,
        changes: [{ _tag: "BlockInserted", path, content: surface.content }],
        kept: []
      }))
    case "JsonEntries": {
      let current = text ?? ""
      const changes: Array<Change> = []
      for (const entry of surface.entries) {
        const result = addJsonEntry(current, entry.at, entry.value)
        if (Either.isLeft(result)) return Either.left(refuse(path)(result.left))
        current = result.right.text
        changes.push(...recordIf(result.right.added, { _tag: "JsonEntryAdded", path, at: entry.at, value: entry.value }))
      }
      return Either.right({ text: current, changes, kept: [] })
    }
    case "YamlListItem":
      return Either.map(Either.mapLeft(addYamlItem(text, surface.key, surface.item), refuse(path)), (result) => ({
        text: result.text,
        changes: recordIf(result.added, { _tag: "YamlItemAdded", path, key: surface.key, item: surface.item }),
        kept: []
      }))
  }
}

type Undo = { readonly text: string | null; readonly undone: boolean; readonly why?: string }

/** Takes one recorded change out of a file the user has edited since, keeping everything else. */
const undoChange = (text: string | null, change: Change, before: string | null): Undo => {
  if (text === null) return { text, undone: false, why: "the file is gone" }
  const fromRemoval = (removal: BlockRemoval, what: string): Undo => {
    switch (removal._tag) {
      case "Removed":
        return { text: removal.text, undone: true }
      case "Missing":
        return { text, undone: false, why: `handover's ${what} is no longer there (edited or removed since); left as it is` }
      case "Edited":
        return { text, undone: false, why: `handover's ${what} was edited since; kept with your edits, remove it by hand if you want it gone` }
      case "Unreadable":
        return { text, undone: false, why: `${removal.reason}; remove handover's ${what} by hand` }
    }
  }
  switch (change._tag) {
    case "FileCreated":
      return sha256(text) === change.sha256
        ? { text: null, undone: true }
        : { text, undone: false, why: "edited since handover created it; kept, delete it by hand if you want it gone" }
    case "DirectoryCreated":
      return { text, undone: false }
    case "BlockInserted":
      return fromRemoval(removeBlock(text, change.path, change.content), "block")
    case "JsonEntryAdded":
      return fromRemoval(removeJsonEntry(text, change.at, change.value, before), `entry in ${change.at.join(".")}`)
    case "YamlItemAdded":
      return fromRemoval(removeYamlItem(text, change.key, change.item, before), `${change.item} in ${change.key}`)
  }
}

/** A file handover created that holds nothing but whitespace (or `{}`) once handover's changes are out. */
const leftEmpty = (text: string | null) => text !== null && isEmptyJsonDocument(text)

/** The user's content of a file: its text with every recorded change of handover taken out. */
const withoutChanges = (text: string | null, changes: ReadonlyArray<Change>, before: string | null): string | null => {
  const stripped = changes.reduce<string | null>((current, change) => undoChange(current, change, before).text, text)
  return before === null && leftEmpty(stripped) ? null : stripped
}

/** Applies recorded changes again, to rebuild a file from its original text (disable of some adapters only). */
const reapply = (text: string | null, changes: ReadonlyArray<Change>): string | null =>
  changes.reduce<string | null>((current, change) => {
    const surface: Surface | undefined = change._tag === "BlockInserted"
      ? { _tag: "ManagedBlock", path: change.path, content: change.content }
      : change._tag === "JsonEntryAdded"
      ? { _tag: "JsonEntries", path: change.path, entries: [{ at: change.at, value: change.value }] }
      : change._tag === "YamlItemAdded"
      ? { _tag: "YamlListItem", path: change.path, key: change.key, item: change.item }
      : undefined
    if (surface === undefined) return current
    return Either.match(applySurface(current, surface, () => true), { onLeft: () => current, onRight: (result) => result.text })
  }, text)

const changesAt = (installed: Installed, path: string, ids: ReadonlySet<string>) =>
  installed.adapters.filter((adapter) => ids.has(adapter.id)).flatMap((adapter) => adapter.changes.filter((change) => change.path === path))

const isDirectoryChange = (change: Change) => change._tag === "DirectoryCreated"

/**
 * The original text of a file as far as install is concerned: what the record says when the file is as handover left it
 * (or as it was before, when install stopped before writing it), else the current text without handover's changes, so
 * that edits the user made in between are never rolled back.
 */
const originalOf = (record: FileRecord | undefined, text: string | null, recorded: ReadonlyArray<Change>) => {
  if (record === undefined) return text === null ? null : { text, sha256: sha256(text) }
  const current = text === null ? null : sha256(text)
  if (current === record.leftSha256 || current === (record.before?.sha256 ?? null)) return record.before
  const original = withoutChanges(text, recorded, record.before?.text ?? null)
  return original === null ? null : { text: original, sha256: sha256(original) }
}

/**
 * What install writes: every surface applied to its file's current text, in order. A refusal of any one target refuses
 * the whole install. Installing what is installed already changes nothing, installed.json included.
 */
export const planInstall = (
  installed: Installed,
  requests: ReadonlyArray<AdapterSurfaces>,
  readings: ReadonlyMap<string, FileReading>
): Either.Either<Plan, SurfaceConflict> => {
  const everyone = new Set(installed.adapters.map((adapter) => adapter.id))
  const made = new Map<string, ReadonlyArray<Change>>()
  const files = new Map(installed.files.map((record) => [record.path, record]))
  const writes: Array<FileWrite> = []
  const createDirs: Array<string> = []
  const report: Array<ReportItem> = []
  const paths = [...new Set(requests.flatMap((request) => request.surfaces.map((surface) => surface.path)))]
  for (const path of paths) {
    const reading = readings.get(path)!
    const recorded = changesAt(installed, path, everyone)
    const owned = (change: Change) => recorded.some((known) => sameChange(known, change))
    let text = reading.text
    let changed = false
    for (const request of requests) {
      for (const surface of request.surfaces.filter((candidate) => candidate.path === path)) {
        const applied = applySurface(text, surface, owned)
        if (Either.isLeft(applied)) return Either.left(applied.left)
        const { changes, kept } = applied.right
        changed ||= applied.right.text !== text
        text = applied.right.text
        made.set(request.adapter, union(made.get(request.adapter) ?? [], changes))
        for (const change of changes) {
          const why = kept[0]
          report.push({
            adapter: request.adapter,
            path,
            what: describe(change),
            outcome: why !== undefined ? "kept" : owned(change) ? "present" : "added",
            ...(why === undefined ? {} : { why })
          })
        }
        if (reading.text === null && text !== null) {
          const dirs: ReadonlyArray<Change> = reading.missingDirs.map((dir) => ({ _tag: "DirectoryCreated", path: dir }))
          made.set(request.adapter, union(made.get(request.adapter)!, dirs))
        }
      }
    }
    const ownedNow = [...made.values()].some((changes) => changes.some((change) => change.path === path && !isDirectoryChange(change)))
    if (ownedNow && text !== null) {
      files.set(path, { path, before: originalOf(files.get(path), reading.text, recorded), leftSha256: sha256(text) })
    }
    if (changed) {
      writes.push({ path, text })
      if (reading.text === null) createDirs.push(...reading.missingDirs.filter((dir) => !createDirs.includes(dir)))
    }
  }
  const adapters = installed.adapters.map((adapter) => ({ id: adapter.id, changes: union(adapter.changes, made.get(adapter.id) ?? []) }))
  for (const request of requests) {
    if (!everyone.has(request.adapter)) adapters.push({ id: request.adapter, changes: made.get(request.adapter) ?? [] })
  }
  return Either.right({
    createDirs,
    writes,
    removeDirs: [],
    installed: { schemaVersion: 1, adapters, files: [...files.values()] },
    report
  })
}

const depth = (path: string) => path.split("/").length

/**
 * What disable writes to take the adapters out (all of them when `ids` is "all"): each file as it was before install
 * when it is as handover left it, else handover's changes taken out one by one and everything else kept. A change the
 * user edited since is kept and reported, never clobbered.
 */
export const planUninstall = (
  installed: Installed,
  ids: ReadonlyArray<string> | "all",
  readings: ReadonlyMap<string, string | null>
): Plan => {
  const leaving = new Set(installed.adapters.map((adapter) => adapter.id).filter((id) => ids === "all" || ids.includes(id)))
  const staying = new Set(installed.adapters.map((adapter) => adapter.id).filter((id) => !leaving.has(id)))
  const writes: Array<FileWrite> = []
  const report: Array<ReportItem> = []
  const files: Array<FileRecord> = []
  for (const record of installed.files) {
    const ours = changesAt(installed, record.path, leaving).filter((change) => !isDirectoryChange(change))
    const theirs = changesAt(installed, record.path, staying).filter((change) => !isDirectoryChange(change))
    const gone = ours.filter((change) => !theirs.some((other) => sameChange(other, change)))
    if (gone.length === 0) {
      files.push(record)
      continue
    }
    const text = readings.get(record.path) ?? null
    const current = text === null ? null : sha256(text)
    const before = record.before?.text ?? null
    const owners = (change: Change) =>
      installed.adapters.filter((adapter) => leaving.has(adapter.id) && adapter.changes.some((known) => sameChange(known, change)))
    const tell = (change: Change, outcome: Outcome, why?: string) => {
      for (const adapter of owners(change)) {
        report.push({ adapter: adapter.id, path: record.path, what: describe(change), outcome, ...(why === undefined ? {} : { why }) })
      }
    }
    let next: string | null
    if (current === record.leftSha256) {
      // As handover left it: rebuilt from the original bytes, so the file is exactly what it was.
      const keepsOwnedFile = theirs.some((change) => change._tag === "FileCreated")
      next = keepsOwnedFile ? text : reapply(before, theirs)
      for (const change of gone) tell(change, "restored")
    } else if (text === null || current === (record.before?.sha256 ?? null)) {
      next = text
      for (const change of gone) tell(change, "gone", text === null ? "the file is gone" : "the file is as it was before install")
    } else {
      next = text
      for (const change of gone) {
        const undo = undoChange(next, change, before)
        next = undo.text
        tell(change, undo.undone ? "removed" : "kept", undo.why)
      }
      if (record.before === null && theirs.length === 0 && leftEmpty(next)) next = null
    }
    if (next !== text) writes.push({ path: record.path, text: next })
    if (theirs.length > 0 && next !== null) {
      const original = withoutChanges(next, theirs, before)
      files.push({
        path: record.path,
        before: record.before === null || original === null ? null : { text: original, sha256: sha256(original) },
        leftSha256: sha256(next)
      })
    }
  }
  const dirsOf = (set: ReadonlySet<string>) =>
    new Set(installed.adapters.filter((adapter) => set.has(adapter.id)).flatMap((adapter) =>
      adapter.changes.filter(isDirectoryChange).map((change) => change.path)
    ))
  const keptDirs = dirsOf(staying)
  const removeDirs = [...dirsOf(leaving)].filter((dir) => !keptDirs.has(dir)).sort((a, b) => depth(b) - depth(a))
  const adapters = installed.adapters.filter((adapter) => staying.has(adapter.id))
  return {
    createDirs: [],
    writes,
    removeDirs,
    installed: adapters.length === 0 ? null : { schemaVersion: 1, adapters, files },
    report
  }
}
