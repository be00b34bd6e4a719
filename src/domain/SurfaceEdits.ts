import * as Either from "effect/Either"
import { applyEdits, type Edit, findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser"

// The text edits behind each kind of surface, and their inverses: pure functions from a file's text to its new text.
// Every edit touches only the bytes it adds or removes, so the user's keys, entries, order, comments, indentation and
// line endings stay as they were; an edit it cannot make safely is refused with the reason and what to do.

/** Why a file cannot be edited, and what the user can do about it. */
export interface Refusal {
  readonly reason: string
  readonly fix: string
}

/** The line ending and indentation unit a file already uses; new files get "\n" and two spaces. */
interface Style {
  readonly eol: string
  readonly indent: string
}

const styleOf = (text: string): Style => {
  let indent: string | undefined
  for (const line of text.split("\n")) {
    const leading = /^([ \t]+)\S/.exec(line)?.[1]
    if (leading === undefined) continue
    if (leading.startsWith("\t")) return { eol: eolOf(text), indent: "\t" }
    if (indent === undefined || leading.length < indent.length) indent = leading
  }
  return { eol: eolOf(text), indent: indent ?? "  " }
}

const eolOf = (text: string): string => text.includes("\r\n") ? "\r\n" : "\n"

/** 1-based line and column of an offset, for messages. */
const positionOf = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split("\n")
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`
}

/** JSON values compared by content, object keys in any order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner)

export const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)

// ---------------------------------------------------------------------------------------------------------------- JSON

const words = (code: string) => code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()

/** The document's syntax tree (undefined for an empty document); comments are fine, anything else malformed is refused. */
const parseDocument = (text: string): Either.Either<Node | undefined, Refusal> => {
  const errors: Array<ParseError> = []
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: true })
  const first = errors[0]
  if (first !== undefined) {
    return Either.left({
      reason: `it is not valid JSON (${positionOf(text, first.offset)}: ${words(printParseErrorCode(first.error))})`,
      fix: "fix that line (or move the file aside) and run again"
    })
  }
  if (root !== undefined && root.type !== "object") {
    return Either.left({ reason: "its top level is not a JSON object", fix: "move the file aside and run again" })
  }
  return Either.right(root)
}

/** The value `inner` wrapped in objects named by `keys`: ["a","b"] and x give {"a":{"b":x}}. */
const nest = (keys: ReadonlyArray<string>, inner: unknown): unknown =>
  keys.reduceRight<unknown>((value, key) => ({ [key]: value }), inner)

const lineStart = (text: string, offset: number) => text.lastIndexOf("\n", offset - 1) + 1
const indentOfLine = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0]
const startsLine = (text: string, offset: number) => /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset))

const pretty = (value: unknown, indent: string, style: Style) =>
  JSON.stringify(value, null, style.indent).split("\n").join(style.eol + indent)

/**
 * Appends a member (an array element, or an object property written by `member`) after the container's last one, in
 * the container's own layout: on a line of its own at its siblings' indentation, or inline in a one-line container.
 */
const appendMember = (text: string, container: Node, member: (indent: string | undefined) => string, style: Style): Edit => {
  const children = container.children ?? []
  const last = children[children.length - 1]
  if (last === undefined) {
    const outer = indentOfLine(text, container.offset)
    const inner = outer + style.indent
    const interior = { offset: container.offset + 1, length: container.length - 2 }
    const blank = /^\s*$/.test(text.substr(interior.offset, interior.length))
    return {
      offset: interior.offset,
      length: blank ? interior.length : 0,
      content: style.eol + inner + member(inner) + (blank ? style.eol + outer : "")
    }
  }
  const first = children[0]!
  const end = last.offset + last.length
  return startsLine(text, first.offset)
    ? { offset: end, length: 0, content: "," + style.eol + indentOfLine(text, first.offset) + member(indentOfLine(text, first.offset)) }
    : { offset: end, length: 0, content: ", " + member(undefined) }
}

/** Takes out exactly what appendMember put in: the member and the comma and line break before it. */
const removeMember = (container: Node, index: number): Edit => {
  const children = container.children!
  const node = children[index]!
  if (children.length === 1) return { offset: container.offset + 1, length: container.length - 2, content: "" }
  if (index > 0) {
    const previous = children[index - 1]!
    const from = previous.offset + previous.length
    return { offset: from, length: node.offset + node.length - from, content: "" }
  }
  return { offset: node.offset, length: children[1]!.offset - node.offset, content: "" }
}

const valueOf = (node: Node): unknown => {
  switch (node.type) {
    case "object":
      return Object.fromEntries((node.children ?? []).map((property) => [property.children![0]!.value, valueOf(property.children![1]!)]))
    case "array":
      return (node.children ?? []).map(valueOf)
    default:
      return node.value
  }
}

/** The file's new text, and whether the entry was added (false: an equal one was there already). */
export interface Added {
  readonly text: string
  readonly added: boolean
}

const dotted = (at: ReadonlyArray<string>) => at.join(".")

/** Appends `value` to the array at `at` (creating the objects and the array on the way) unless an equal one is there. */
export const addJsonEntry = (
  text: string,
  at: ReadonlyArray<string>,
  value: unknown
): Either.Either<Added, Refusal> =>
  Either.flatMap(parseDocument(text), (root): Either.Either<Added, Refusal> => {
    const style = styleOf(text)
    if (root === undefined) {
      // An empty document: the whole text is replaced, a new file ends with a line break.
      return Either.right({ text: pretty(nest(at, [value]), "", style) + style.eol, added: true })
    }
    let container = root
    let depth = 0
    for (; depth < at.length; depth++) {
      const next = findNodeAtLocation(container, [at[depth]!])
      if (next === undefined) break
      const wanted = depth === at.length - 1 ? "array" : "object"
      if (next.type !== wanted) {
        return Either.left({
          reason: `${dotted(at.slice(0, depth + 1))} is a JSON ${next.type}, not ${wanted === "array" ? "an array" : "an object"}`,
          fix: "correct it by hand (see the agent's documentation for the shape) and run again"
        })
      }
      container = next
    }
    if (depth === at.length) {
      if ((container.children ?? []).some((child) => sameJson(valueOf(child), value))) {
        return Either.right({ text, added: false })
      }
      const edit = appendMember(text, container, (indent) => indent === undefined ? JSON.stringify(value) : pretty(value, indent, style), style)
      return Either.right({ text: applyEdits(text, [edit]), added: true })
    }
    const key = JSON.stringify(at[depth])
    const inner = nest(at.slice(depth + 1), [value])
    const edit = appendMember(
      text,
      container,
      (indent) => `${key}: ${indent === undefined ? JSON.stringify(inner) : pretty(inner, indent, style)}`,
      style
    )
    return Either.right({ text: applyEdits(text, [edit]), added: true })
  })

export type Removal =
  | { readonly _tag: "Removed"; readonly text: string }
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Unreadable"; readonly reason: string }

/**
 * Takes one entry equal to `value` out of the array at `at`, then the arrays and objects on the way that are left
 * empty and were not in the file before handover edited it (`before`; null when handover created the file).
 */
export const removeJsonEntry = (text: string, at: ReadonlyArray<string>, value: unknown, before: string | null): Removal => {
  const parsed = parseDocument(text)
  if (Either.isLeft(parsed)) return { _tag: "Unreadable", reason: parsed.left.reason }
  const array = parsed.right === undefined ? undefined : findNodeAtLocation(parsed.right, [...at])
  const index = array?.type === "array" ? (array.children ?? []).findIndex((child) => sameJson(valueOf(child), value)) : -1
  if (array === undefined || index < 0) return { _tag: "Missing" }
  let result = applyEdits(text, [removeMember(array, index)])
  const earlier = before === null ? undefined : Either.getOrUndefined(parseDocument(before))
  for (let depth = at.length; depth > 0; depth--) {
    const root = parseTree(result)!
    const node = findNodeAtLocation(root, at.slice(0, depth))
    const existedBefore = earlier !== undefined && findNodeAtLocation(earlier, at.slice(0, depth)) !== undefined
    if (node === undefined || (node.children ?? []).length > 0 || existedBefore) break
    const parent = depth === 1 ? root : findNodeAtLocation(root, at.slice(0, depth - 1))!
    result = applyEdits(result, [removeMember(parent, parent.children!.indexOf(node.parent!))])
  }
  return { _tag: "Removed", text: result }
}

/** True when a JSON document holds nothing: what is left of a file handover created once its entries are out. */
/**
 * A JSON document with nothing of the user's in it: empty, or holding only `$` keys, which tools write into their own
 * settings (`$schema`; Qwen Code adds `"$version"` to a settings file it reads), and no comment.
 */
export const isEmptyJsonDocument = (text: string): boolean => {
  if (/^\s*(\{\s*\})?\s*$/.test(text)) return true
  const errors: Array<ParseError> = []
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: true })
  return errors.length === 0 && root?.type === "object" &&
    (root.children ?? []).every((property) => String(property.children?.[0]?.value ?? "").startsWith("$"))
}

// ------------------------------------------------------------------------------------------------------ managed blocks

interface Markers {
  readonly begin: string
  readonly end: string
  readonly note: string
}

const noteText = "Managed by handover: `handover disable` removes this block; edit outside it."

/** Markers in the file's own comment syntax: HTML comments for Markdown and rule files, # for YAML, TOML and shell. */
const markersFor = (path: string): Markers =>
  /\.(ya?ml|toml|sh)$/.test(path)
    ? { begin: "# handover:begin", end: "# handover:end", note: `# ${noteText}` }
    : { begin: "<!-- handover:begin -->", end: "<!-- handover:end -->", note: `<!-- ${noteText} -->` }

const normalised = (content: string) => content.replace(/\r\n/g, "\n").replace(/\n+$/, "")

const blockText = (markers: Markers, content: string, eol: string) =>
  [markers.begin, markers.note, ...normalised(content).split("\n"), markers.end].join(eol)

/** Where the block is: from its begin marker's line to the end of its end marker's line (its line break excluded). */
const findBlock = (text: string, markers: Markers): Either.Either<{ readonly start: number; readonly end: number } | undefined, Refusal> => {
  const lineAt = (marker: string, from: number) => {
    const match = new RegExp(`^[ \\t]*${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[ \\t]*\\r?$`, "m")
    const found = match.exec(text.slice(from))
    return found === null ? undefined : { start: from + found.index, end: from + found.index + found[0].replace(/\r$/, "").length }
  }
  const begin = lineAt(markers.begin, 0)
  if (begin === undefined) return Either.right(undefined)
  const end = lineAt(markers.end, begin.end)
  if (end === undefined) {
    return Either.left({
      reason: `it has a "${markers.begin}" line without a "${markers.end}" line after it`,
      fix: "restore the end marker or delete the begin marker, then run again"
    })
  }
  return Either.right({ start: begin.start, end: end.end })
}

/** The content between the note and the end marker, as blockText was given it. */
const blockContent = (text: string, block: { readonly start: number; readonly end: number }) =>
  normalised(text.slice(block.start, block.end)).split("\n").slice(2, -1).join("\n")

/** Puts the block in place of the one already there, or after the user's content with exactly one blank line. */
export const addBlock = (text: string | null, path: string, content: string): Either.Either<string, Refusal> => {
  const markers = markersFor(path)
  const eol = eolOf(text ?? "")
  const block = blockText(markers, content, eol)
  if (text === null || text === "") return Either.right(block + eol)
  return Either.map(findBlock(text, markers), (found) =>
    found === undefined
      ? text.replace(/(\r?\n)+$/, "") + eol + eol + block + eol
      : text.slice(0, found.start) + block + text.slice(found.end))
}

export type BlockRemoval = Removal | { readonly _tag: "Edited" }

/** Takes the block out with the blank line addBlock put before it; a block whose content was edited is left alone. */
export const removeBlock = (text: string, path: string, content: string): BlockRemoval => {
  const found = findBlock(text, markersFor(path))
  if (Either.isLeft(found)) return { _tag: "Unreadable", reason: found.left.reason }
  if (found.right === undefined) return { _tag: "Missing" }
  if (blockContent(text, found.right) !== normalised(content)) return { _tag: "Edited" }
  const head = text.slice(0, found.right.start)
  const tail = text.slice(found.right.end).replace(/^\r?\n/, "")
  // The blank line that set the block apart goes with it, whether the block was last or the user wrote after it.
  if (tail === "") return { _tag: "Removed", text: head.replace(/(\r?\n)\r?\n$/, "$1") }
  return { _tag: "Removed", text: head + (/\r?\n\r?\n$/.test(head) ? tail.replace(/^\r?\n/, "") : tail) }
}

// ------------------------------------------------------------------------------------------------------ YAML lists

const plainScalar = /^[A-Za-z0-9_./@+-]+$/

const yamlScalar = (item: string) => (plainScalar.test(item) ? item : JSON.stringify(item))

/** The string a one-line YAML scalar stands for; undefined when it is not a simple scalar handover can read. */
const readScalar = (raw: string): string | undefined => {
  const text = raw.replace(/\s+#.*$/, "").trim()
  if (text.startsWith("\"")) {
    try {
      const value: unknown = JSON.parse(text)
      return typeof value === "string" ? value : undefined
    } catch {
      return undefined
    }
  }
  if (text.startsWith("'")) return text.endsWith("'") && text.length > 1 ? text.slice(1, -1).replace(/''/g, "'") : undefined
  return /^[^[\]{}&*!|>%@`,]+$/.test(text) && !/:\s/.test(text) ? text : undefined
}

/** A top-level list in one of the two shapes handover edits: `key: [a, b]` on one line, or `key:` then `- a` lines. */
type YamlList =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Flow"; readonly line: number; readonly open: number; readonly close: number; readonly items: ReadonlyArray<string> }
  | { readonly _tag: "Block"; readonly line: number; readonly itemLines: ReadonlyArray<number>; readonly items: ReadonlyArray<string> }

const findYamlList = (lines: ReadonlyArray<string>, key: string): Either.Either<YamlList, Refusal> => {
  const unsafe = (reason: string) =>
    Either.left<Refusal>({ reason, fix: `write ${key} as a list (${key}: [a, b]) by hand, or remove it, and run again` })
  const keyLine = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[ \\t]*:(.*)$`)
  const matches = lines.flatMap((line, index) => (keyLine.test(line.replace(/\r$/, "")) ? [index] : []))
  if (matches.length === 0) return Either.right({ _tag: "Absent" })
  if (matches.length > 1) return unsafe(`${key} appears ${matches.length} times`)
  const line = matches[0]!
  const rest = keyLine.exec(lines[line]!.replace(/\r$/, ""))![1]!.replace(/\s+#.*$/, "").trim()
  if (rest.startsWith("[")) {
    const open = lines[line]!.indexOf("[")
    const close = lines[line]!.lastIndexOf("]")
    if (!rest.endsWith("]") || /[[\]{}]/.test(rest.slice(1, -1))) return unsafe(`${key} is a list handover cannot edit safely`)
    const inner = lines[line]!.slice(open + 1, close)
    const items = inner.trim() === "" ? [] : inner.split(",").map(readScalar)
    if (items.some((item) => item === undefined)) return unsafe(`${key} holds values handover cannot read safely`)
    return Either.right({ _tag: "Flow", line, open, close, items: items as ReadonlyArray<string> })
  }
  if (rest !== "") return unsafe(`${key} is a single value, not a list`)
  const itemLines: Array<number> = []
  const items: Array<string> = []
  for (let index = line + 1; index < lines.length; index++) {
    const current = lines[index]!
    if (/^\s*(#.*)?\r?$/.test(current)) continue
    const item = /^[ \t]*-[ \t]+(.*?)\r?$/.exec(current)
    if (item === null) {
      if (/^\S/.test(current)) break
      return unsafe(`${key} is a list handover cannot edit safely`)
    }
    const value = readScalar(item[1]!)
    if (value === undefined) return unsafe(`${key} holds values handover cannot read safely`)
    itemLines.push(index)
    items.push(value)
  }
  return Either.right({ _tag: "Block", line, itemLines, items })
}

/** Adds `item` to the top-level list `key` (created when missing) unless it is there already. */
export const addYamlItem = (
  text: string | null,
  key: string,
  item: string
): Either.Either<Added, Refusal> => {
  const source = text ?? ""
  const eol = eolOf(source)
  const lines = source.split("\n")
  return Either.map(findYamlList(lines, key), (list): Added => {
    const cr = eol === "\r\n" ? "\r" : ""
    switch (list._tag) {
      case "Absent": {
        const head = source === "" || source.endsWith("\n") ? source : source + eol
        return { text: `${head}${key}:${eol}  - ${yamlScalar(item)}${eol}`, added: true }
      }
      case "Flow": {
        if (list.items.includes(item)) return { text: source, added: false }
        const line = lines[list.line]!
        const inner = line.slice(list.open + 1, list.close)
        const grown = inner.trim() === "" ? yamlScalar(item) : `${inner}, ${yamlScalar(item)}`
        lines[list.line] = line.slice(0, list.open + 1) + grown + line.slice(list.close)
        return { text: lines.join("\n"), added: true }
      }
      case "Block": {
        if (list.items.includes(item)) return { text: source, added: false }
        const after = list.itemLines[list.itemLines.length - 1] ?? list.line
        const indent = list.itemLines.length > 0 ? /^[ \t]*/.exec(lines[after]!)![0] : "  "
        lines.splice(after + 1, 0, `${indent}- ${yamlScalar(item)}${cr}`)
        return { text: lines.join("\n"), added: true }
      }
    }
  })
}

/** Takes `item` out of the list `key`, and the key itself when the list is left empty and the key was not there before. */
export const removeYamlItem = (text: string, key: string, item: string, before: string | null): Removal => {
  const lines = text.split("\n")
  const found = findYamlList(lines, key)
  if (Either.isLeft(found)) return { _tag: "Unreadable", reason: found.left.reason }
  const list = found.right
  if (list._tag === "Absent" || !list.items.includes(item)) return { _tag: "Missing" }
  const keyWasThere = before !== null && Either.match(findYamlList(before.split("\n"), key), {
    onLeft: () => true,
    onRight: (earlier) => earlier._tag !== "Absent"
  })
  const dropKey = list.items.length === 1 && !keyWasThere
  if (list._tag === "Block") {
    const drop = new Set([list.itemLines[list.items.indexOf(item)]!, ...(dropKey ? [list.line] : [])])
    return { _tag: "Removed", text: lines.filter((_, index) => !drop.has(index)).join("\n") }
  }
  if (dropKey) return { _tag: "Removed", text: lines.filter((_, index) => index !== list.line).join("\n") }
  const line = lines[list.line]!
  const segments = line.slice(list.open + 1, list.close).split(",")
  const index = list.items.indexOf(item)
  const kept = segments.filter((_, at) => at !== index)
  if (index === 0 && kept.length > 0) kept[0] = kept[0]!.replace(/^\s*/, /^\s*/.exec(segments[0]!)![0])
  lines[list.line] = line.slice(0, list.open + 1) + kept.join(",") + line.slice(list.close)
  return { _tag: "Removed", text: lines.join("\n") }
}
