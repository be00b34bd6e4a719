import * as fc from "fast-check"

// Generators of hostile input, shared by every fuzz test: arbitrary JSON and bytes, and structure-aware mutations of
// the real shapes (a valid fixture with fields retyped, removed or added, then its text cut or bent).

// ---------------------------------------------------------------------------------------------------------------
// JSON values with room for what JSON.stringify cannot write

/** JSON text written verbatim: number literals such as 1e999 (parsed as Infinity), or nesting thousands deep. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | number | string | RawJson | ReadonlyArray<Json> | { readonly [key: string]: Json }

const isObject = (value: Json): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawJson)

/** Sets an own property even for keys such as __proto__, which plain assignment would turn into a prototype. */
const setOwn = (target: Record<string, Json>, key: string, value: Json): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

const objectOf = (entries: ReadonlyArray<readonly [string, Json]>): { readonly [key: string]: Json } => {
  const target: Record<string, Json> = {}
  for (const [key, value] of entries) setOwn(target, key, value)
  return target
}

/** JSON text of a value; RawJson is written as is, and __proto__ keys like any other (JSON.parse keeps them own). */
export const toJsonText = (value: Json): string => {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`
  if (isObject(value)) {
    return `{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${toJsonText(value[key]!)}`).join(",")}}`
  }
  // NaN and ±Infinity become null, as JSON.stringify writes them.
  return JSON.stringify(value)
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile leaves

const controlCharacter = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code))

/** Strings that parsers, number conversions, prototypes and terminals treat specially. */
const specialStrings = [
  "", " ", "\t", "NaN", "Infinity", "-Infinity", "1e309", "-0", "0x10", "1_000", " 42 ", "1e3", "0.5", "100", "101",
  "-1", "null", "true", "false", "yes", "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
  "\u0000", "\u001b[31mred\u001b[0m", "\r\n", "line\nbreak", "\u2028\u2029", "\ud800", "\udfff", "😀", "e\u0301",
  "\ufeff", "../../../etc/passwd", "/dev/zero", "%s%n", "${HOME}", "$(id)", "<script>", "C:\\Windows", "a=b=c"
]

/** Long strings, including long runs of multi-byte and control characters. */
const longString = fc
  .tuple(fc.constantFrom("a", "é", "😀", "\n", "\u0000", " "), fc.integer({ min: 5_000, max: 100_000 }))
  .map(([unit, count]) => unit.repeat(count))

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...specialStrings) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: controlCharacter, maxLength: 10 }) },
  { weight: 1, arbitrary: longString }
)

/** Object keys, with the prototype names that a naive merge or lookup trips over. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "$schema", "", "a\nb"),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: controlCharacter, minLength: 1, maxLength: 4 })
)

/** Number literals as text: out of range, negative zero, past the safe integers, exponent forms. */
const numberLiteral = fc
  .constantFrom("1e999", "-1e999", "1e-400", "-0", "1e300", "123456789012345678901234567890", "9007199254740993",
    "0.1e1", "4.9e-324", "2147483648")
  .map((text) => new RawJson(text))

export const hostileNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -1, 50, 90, 100, 100.000001, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE),
  numberLiteral
)

/** Arrays or objects nested deeper than any recursive formatter's stack allows. */
const deeplyNested: fc.Arbitrary<RawJson> = fc
  .tuple(fc.boolean(), fc.integer({ min: 1_000, max: 20_000 }))
  .map(([asArray, depth]) =>
    new RawJson(asArray ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "0" + "}".repeat(depth))
  )

const hostileLeaf: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false) }
)

/** Any JSON value made of hostile leaves and keys, a few levels deep; sometimes nested far too deep. */
const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 9, arbitrary: fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      hostileLeaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 4 }).map(objectOf)
    )
  })).value },
  { weight: 1, arbitrary: deeplyNested }
)

// ---------------------------------------------------------------------------------------------------------------
// Structure-aware mutation of a valid value

type Path = ReadonlyArray<string | number>

type Mutation =
  | { readonly kind: "replace"; readonly path: Path; readonly value: Json }
  | { readonly kind: "remove"; readonly path: Path }
  | { readonly kind: "addKey"; readonly path: Path; readonly key: string; readonly value: Json }

/** Every path into a value, the root included. */
const pathsOf = (value: Json, prefix: Path = []): Array<Path> => {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item: Json, index) => pathsOf(item, [...prefix, index]))]
  if (isObject(value)) return [prefix, ...Object.keys(value).flatMap((key) => pathsOf(value[key]!, [...prefix, key]))]
  return [prefix]
}

const childOf = (value: Json, step: string | number): Json | undefined => {
  if (Array.isArray(value) && typeof step === "number") return value[step]
  if (isObject(value) && typeof step === "string" && Object.hasOwn(value, step)) return value[step]
  return undefined
}

/** A copy of value with the node at path replaced by what change returns; undefined removes the node. */
const updateAt = (value: Json, path: Path, change: (node: Json) => Json | undefined): Json => {
  if (path.length === 0) return change(value) ?? null
  const [step, ...rest] = path
  const child = childOf(value, step!)
  // A path that an earlier mutation took away is left alone.
  if (child === undefined) return value
  const updated = rest.length === 0 ? change(child) : updateAt(child, rest, change)
  const substitute: Array<Json> = updated === undefined ? [] : [updated]
  if (Array.isArray(value)) return value.flatMap((item: Json, index) => index === step ? substitute : [item])
  return objectOf(Object.keys(value as object).flatMap((key): Array<readonly [string, Json]> =>
    key === step ? substitute.map((node) => [key, node] as const) : [[key, (value as Record<string, Json>)[key]!]]
  ))
}

const applyMutation = (value: Json, mutation: Mutation): Json => {
  switch (mutation.kind) {
    case "replace":
      return updateAt(value, mutation.path, () => mutation.value)
    case "remove":
      return updateAt(value, mutation.path, () => undefined)
    case "addKey":
      return updateAt(value, mutation.path, (node) =>
        isObject(node) ? objectOf([...Object.entries(node), [mutation.key, mutation.value]]) : node)
  }
}

/** Values that stand in for a field: another type, an edge of the same type, or nesting too deep. */
const replacement: fc.Arbitrary<Json> = fc.oneof(hostileLeaf, hostileJson)

/** A hostile value of the leaf's own type, so that the shape still decodes and the value itself is what is bad. */
const sameTypeAs = (leaf: Json): fc.Arbitrary<Json> => {
  switch (typeof leaf) {
    case "string":
      return hostileString
    case "number":
      return hostileNumber
    case "boolean":
      return fc.boolean()
    default:
      return fc.constant(null)
  }
}

const nodeAt = (value: Json, path: Path): Json | undefined =>
  path.reduce<Json | undefined>((node, step) => node === undefined ? undefined : childOf(node, step), value)

/** Replaces a leaf (a string, number, boolean or null) with a hostile value of its type. */
const sameTypeMutation = (valid: Json, paths: ReadonlyArray<Path>): fc.Arbitrary<Mutation> => {
  const leaves = paths.flatMap((path) => {
    const node = nodeAt(valid, path)!
    return Array.isArray(node) || isObject(node) ? [] : [{ path, node }]
  })
  return fc.constantFrom(...leaves).chain(({ node, path }) =>
    sameTypeAs(node).map((value): Mutation => ({ kind: "replace", path, value }))
  )
}

const mutateWith = (valid: Json, mutation: fc.Arbitrary<Mutation>): fc.Arbitrary<Json> =>
  fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => mutations.reduce(applyMutation, valid))

/**
 * The valid value with one to four of its fields given a hostile value (of their own type or another), removed, or
 * joined by a hostile key, so that most of the shape still decodes and the decoder meets the bad field where it lives.
 */
const mutated = (valid: Json): fc.Arbitrary<Json> => {
  const paths = pathsOf(valid)
  return mutateWith(
    valid,
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("replace" as const), path: fc.constantFrom(...paths), value: replacement }) },
      { weight: 3, arbitrary: sameTypeMutation(valid, paths) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), path: fc.constantFrom(...paths) }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("addKey" as const), path: fc.constantFrom(...paths), key: hostileKey, value: replacement })
      }
    )
  )
}

/** The valid value with hostile values of the right types only: it still has its shape, so it is read and shown. */
export const wellTypedButHostile = (valid: Json): fc.Arbitrary<Json> => mutateWith(valid, sameTypeMutation(valid, pathsOf(valid)))

// ---------------------------------------------------------------------------------------------------------------
// Text and bytes

/** Edits of a text that a broken writer, a disk or a transfer could make. */
const textEdit: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((at) => (text: string) => text.slice(0, at % (text.length + 1))),
  fc.tuple(fc.nat(), hostileString).map(([at, inserted]) => (text: string) => {
    const cut = at % (text.length + 1)
    return text.slice(0, cut) + inserted + text.slice(cut)
  }),
  fc.constant((text: string) => `\ufeff${text}`),
  fc.constant((text: string) => `${text}${text}`),
  fc.constant((text: string) => text.replace(/\n/g, "\r\n"))
)

/** Any bytes, invalid UTF-8 included. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 2_000 })

/** Text of a JSON document as a hostile repository, daemon or agent could write it, built around a valid example. */
export const untrustedJsonText = (valid: Json): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: mutated(valid).map(toJsonText) },
    { weight: 3, arbitrary: wellTypedButHostile(valid).map(toJsonText) },
    { weight: 2, arbitrary: fc.tuple(mutated(valid), textEdit).map(([value, edit]) => edit(toJsonText(value))) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(valid), textEdit).map(([value, edit]) => edit(toJsonText(value))) },
    { weight: 2, arbitrary: hostileJson.map(toJsonText) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: randomBytes.map((bytes) => Buffer.from(bytes).toString("utf8")) },
    { weight: 1, arbitrary: hostileString }
  )

/** JSON Lines as an agent appends them: lines mutated, dropped, or joined by garbage, and the text cut anywhere. */
export const untrustedJsonLines = (validLines: ReadonlyArray<Json>): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.tuple(...validLines.map((line) =>
        fc.option(fc.oneof({ weight: 3, arbitrary: fc.constant(line) }, { weight: 1, arbitrary: mutated(line) }), {
          freq: 8,
          nil: undefined
        })
      )),
      fc.array(fc.tuple(fc.nat(), untrustedJsonText(validLines[0]!)), { maxLength: 3 }),
      fc.option(textEdit, { nil: undefined })
    )
    .map(([kept, inserted, edit]) => {
      const lines = kept.flatMap((line) => line === undefined ? [] : [toJsonText(line)])
      for (const [at, line] of inserted) lines.splice(at % (lines.length + 1), 0, line.replace(/\n/g, " "))
      const text = lines.map((line) => `${line}\n`).join("")
      return edit === undefined ? text : edit(text)
    })

/** A fixture file's JSON, as the valid value that mutations start from. */
export const jsonFixture = (text: string): Json => JSON.parse(text) as Json
