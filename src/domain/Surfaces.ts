// What `handover install` writes into a repository for an agent, as data: the adapters (src/domain/agents/) say what
// each tool needs, the Surfaces service writes it, records it in .handover/installed.json, and `disable` takes exactly
// that back. Paths are relative to the git top level.

/** A file handover owns whole: a guidance rule file, a plugin. Created only where no file is. */
export interface OwnedFile {
  readonly _tag: "OwnedFile"
  readonly path: string
  readonly content: string
}

/** A block between handover's markers in a file the user may own too (AGENTS.md, CONVENTIONS.md, …). */
export interface ManagedBlock {
  readonly _tag: "ManagedBlock"
  readonly path: string
  readonly content: string
}

/** One value appended to an array inside a JSON (or JSONC) document, the arrays and objects on the way created. */
export interface JsonEntry {
  /** Object keys from the document's root to the array, e.g. ["hooks", "SessionStart"]. */
  readonly at: ReadonlyArray<string>
  readonly value: unknown
}

/** Entries added to a JSON or JSONC file the user may own too (hook configs), everything else in it kept as it is. */
export interface JsonEntries {
  readonly _tag: "JsonEntries"
  readonly path: string
  readonly entries: ReadonlyArray<JsonEntry>
}

/** An item in a top-level YAML list of a file the user may own too (aider's `read:` in .aider.conf.yml). */
export interface YamlListItem {
  readonly _tag: "YamlListItem"
  readonly path: string
  readonly key: string
  readonly item: string
}

export type Surface = OwnedFile | ManagedBlock | JsonEntries | YamlListItem
