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
 * names with spaces, newlines and non-ASCII bytes intact.
 */
export const parseDiffSummary = (output: string): ReadonlyArray<PatchFile> => {
  const tokens = output.split("\0")
  const raw: Array<RawEntry> = []
  const numstat = new Map<string, NumstatEntry>()
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i]!
    if (token.startsWith(":")) {
      const code = token.split(" ")[4] ?? ""
      const status = statusNames[code.charAt(0)] ?? "modified"
      if (status === "renamed" || status === "copied") {
        raw.push({ status, oldPath: tokens[i + 1]!, path: tokens[i + 2]! })
        i += 3
      } else {
        raw.push({ status, path: tokens[i + 1]! })
        i += 2
      }
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
  return raw.map((entry) => {
    const stats = numstat.get(entry.path) ?? { binary: false }
    return {
      path: entry.path,
      ...(entry.oldPath !== undefined ? { oldPath: entry.oldPath } : {}),
      status: entry.status,
      ...stats
    }
  })
}
