import type { FileStatus, PatchFile } from "./Bundle.js"

const statusNames: Readonly<Record<string, FileStatus>> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "typechange"
}

interface RawEntry {
  readonly status: FileStatus
  readonly path: string
  readonly oldPath?: string
  readonly gitlink?: GitlinkChange
}

const gitlinkMode = "160000"

/** A submodule or nested repository in the diff: a gitlink (mode 160000) on either side. */
export interface GitlinkChange {
  readonly path: string
  /** The commit HEAD records at the path; null where HEAD has no gitlink there. */
  readonly recorded: string | null
  /** The working tree still has a repository there (it was not deleted or replaced by a file). */
  readonly present: boolean
}

export interface DiffSummary {
  readonly files: ReadonlyArray<PatchFile>
  readonly gitlinks: ReadonlyArray<GitlinkChange>
}

/** The gitlink a raw record (`:oldMode newMode oldSha newSha S`) describes, if either side is one. */
const gitlinkOf = (fields: ReadonlyArray<string>, path: string): GitlinkChange | undefined => {
  const [oldMode, newMode, oldSha] = [fields[0]?.slice(1), fields[1], fields[2]]
  if (oldMode !== gitlinkMode && newMode !== gitlinkMode) return undefined
  return { path, recorded: oldMode === gitlinkMode ? oldSha ?? null : null, present: newMode === gitlinkMode }
}

interface NumstatEntry {
  readonly binary: boolean
  readonly added?: number
  readonly deleted?: number
}

/**
 * Parses `git diff --raw --numstat -z -M` output: first one raw record per file
 * (`:old new sha sha S\0path\0`, renames `:… R090\0old\0new\0`), then one numstat record per file
 * (`a\td\tpath\0`, renames `a\td\t\0old\0new\0`; binary files count `-\t-`). NUL separation keeps
 * names with spaces, newlines and non-ASCII bytes intact. Gitlinks carry full commit ids with `--no-abbrev`.
 */
export const parseDiffSummary = (output: string): DiffSummary => {
  const tokens = output.split("\0")
  const raw: Array<RawEntry> = []
  const numstat = new Map<string, NumstatEntry>()
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i]!
    if (token.startsWith(":")) {
      const fields = token.split(" ")
      const status = statusNames[(fields[4] ?? "").charAt(0)] ?? "modified"
      const twoPaths = status === "renamed" || status === "copied"
      const path = tokens[i + (twoPaths ? 2 : 1)]!
      const gitlink = gitlinkOf(fields, path)
      raw.push({
        status,
        path,
        ...(twoPaths ? { oldPath: tokens[i + 1]! } : {}),
        ...(gitlink !== undefined ? { gitlink } : {})
      })
      i += twoPaths ? 3 : 2
      continue
    }
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(token)
    if (match === null) {
      i += 1
      continue
    }
    const entry: NumstatEntry = match[1] === "-"
      ? { binary: true }
      : { binary: false, added: Number(match[1]), deleted: Number(match[2]) }
    if (match[3] === "") {
      numstat.set(tokens[i + 2]!, entry)
      i += 3
    } else {
      numstat.set(match[3]!, entry)
      i += 1
    }
  }
  const files = raw.map((entry): PatchFile => {
    const stats = numstat.get(entry.path) ?? { binary: false }
    return {
      path: entry.path,
      ...(entry.oldPath !== undefined ? { oldPath: entry.oldPath } : {}),
      status: entry.status,
      ...stats
    }
  })
  return { files, gitlinks: raw.flatMap((entry) => entry.gitlink !== undefined ? [entry.gitlink] : []) }
}

export interface SummarySplitter {
  /** The patch bytes in this chunk: none while the summary records are still coming. */
  readonly push: (chunk: Uint8Array) => Uint8Array
  /** The summary, once the output has ended (an empty summary when git printed nothing: no changes). */
  readonly finish: () => DiffSummary
}

const nul = 0

/**
 * Splits the output of one `git diff --raw --numstat -z --patch` as it streams: the NUL-terminated summary records
 * (see parseDiffSummary), the one empty field git puts between them and the patch, then the patch, passed on
 * untouched. No record field is ever empty (names are not), so the first empty field is that separator, whatever the
 * names hold. Only the records are held.
 */
export const makeSummarySplitter = (): SummarySplitter => {
  let records = new Uint8Array(64 * 1024)
  let length = 0
  let fieldStart = 0
  let inPatch = false

  const append = (chunk: Uint8Array) => {
    if (length + chunk.length > records.length) {
      const grown = new Uint8Array(Math.max(records.length * 2, length + chunk.length))
      grown.set(records.subarray(0, length))
      records = grown
    }
    records.set(chunk, length)
    length += chunk.length
  }

  const push = (chunk: Uint8Array): Uint8Array => {
    if (inPatch) return chunk
    const before = length
    append(chunk)
    for (let end = records.indexOf(nul, fieldStart); end >= 0 && end < length; end = records.indexOf(nul, fieldStart)) {
      if (end === fieldStart) {
        inPatch = true
        length = end
        return chunk.subarray(end + 1 - before)
      }
      fieldStart = end + 1
    }
    return chunk.subarray(chunk.length)
  }

  return {
    push,
    finish: () => parseDiffSummary(new TextDecoder().decode(records.subarray(0, length)))
  }
}
