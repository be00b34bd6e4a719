import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InvalidBundleId } from "./errors.js"
import { firstIssue } from "./Text.js"

export const bundleSchemaVersion = 1

export const FileStatus = Schema.Literal("added", "modified", "deleted", "renamed", "copied", "typechange")
export type FileStatus = typeof FileStatus.Type

export const PatchFile = Schema.Struct({
  path: Schema.String,
  oldPath: Schema.optional(Schema.String),
  status: FileStatus,
  binary: Schema.Boolean,
  added: Schema.optional(Schema.Number),
  deleted: Schema.optional(Schema.Number)
})
export type PatchFile = typeof PatchFile.Type

/** A submodule or nested repository (a gitlink, mode 160000) that the patch touches or that holds uncommitted work. */
export const SubmoduleState = Schema.Struct({
  path: Schema.String,
  /** The commit HEAD records at this path; null where HEAD has none (a nested repository, or a new submodule). */
  recorded: Schema.NullOr(Schema.String),
  /** The commit checked out in it; null where none is (no commit yet, not checked out, or removed). */
  checkedOut: Schema.NullOr(Schema.String),
  /** checkedOut differs from recorded: the patch carries the new commit id, never the commit itself. */
  commitChanged: Schema.Boolean,
  /** It has uncommitted changes of its own (tracked or untracked files): those are NOT in workspace.patch. */
  dirty: Schema.Boolean
})
export type SubmoduleState = typeof SubmoduleState.Type

export const ManualTrigger = Schema.Struct({ kind: Schema.Literal("manual") })
export const ThresholdTrigger = Schema.Struct({
  kind: Schema.Literal("threshold"),
  tool: Schema.String,
  event: Schema.String,
  percent: Schema.NullOr(Schema.Number),
  metric: Schema.NullOr(Schema.String),
  window: Schema.NullOr(Schema.String),
  resetsAt: Schema.NullOr(Schema.String),
  threshold: Schema.Number,
  /** Why it fired: "threshold", "limited", or "unavailable" when onUnavailable is "capture". */
  reason: Schema.optional(Schema.String)
})
export const Trigger = Schema.Union(ManualTrigger, ThresholdTrigger)
export type Trigger = typeof Trigger.Type

export const SecretFinding = Schema.Struct({
  path: Schema.String,
  line: Schema.NullOr(Schema.Number),
  kind: Schema.String
})
export type SecretFinding = typeof SecretFinding.Type

export const Claim = Schema.Struct({
  by: Schema.String,
  at: Schema.String,
  host: Schema.optional(Schema.String),
  pid: Schema.optional(Schema.Number)
})
export type Claim = typeof Claim.Type

/**
 * Next steps a person wrote in a manual handover, carried into the automatic captures that superseded it; `from` and
 * `title` name that manual handover.
 */
export const CarriedOver = Schema.Struct({
  from: Schema.String,
  title: Schema.String,
  nextSteps: Schema.Array(Schema.String)
})
export type CarriedOver = typeof CarriedOver.Type

export const Bundle = Schema.Struct({
  schemaVersion: Schema.Literal(bundleSchemaVersion),
  id: Schema.String,
  createdAt: Schema.String,
  title: Schema.String,
  summary: Schema.String,
  nextSteps: Schema.Array(Schema.String),
  /** Absent in bundles that carry nothing over, and in those written before handover carried next steps over. */
  carriedOver: Schema.optional(CarriedOver),
  trigger: Trigger,
  source: Schema.Struct({
    tool: Schema.NullOr(Schema.String),
    sessionId: Schema.optional(Schema.String),
    transcriptPath: Schema.optional(Schema.String)
  }),
  target: Schema.Struct({ tool: Schema.optional(Schema.String) }),
  repo: Schema.Struct({
    root: Schema.String,
    branch: Schema.NullOr(Schema.String),
    head: Schema.NullOr(Schema.String),
    upstream: Schema.optional(Schema.String)
  }),
  patch: Schema.Struct({
    file: Schema.Literal("workspace.patch"),
    bytes: Schema.Number,
    sha256: Schema.String,
    base: Schema.String,
    files: Schema.Array(PatchFile),
    includesUntracked: Schema.Boolean,
    applies: Schema.Boolean,
    /** Absent in bundles written before handover looked at submodules. */
    submodules: Schema.optional(Schema.Array(SubmoduleState))
  }),
  secrets: Schema.Struct({
    mode: Schema.Literal("warn", "block", "off"),
    findings: Schema.Array(SecretFinding)
  }),
  claim: Schema.NullOr(Claim)
})
export type Bundle = typeof Bundle.Type

const decodeBundle = Schema.decodeUnknownEither(Schema.parseJson(Bundle), { errors: "first" })

/**
 * bundle.json as a Bundle. Effect's union decoder turns the trigger's `kind` into a string with String(), which throws
 * on some hostile values (an object whose toString is not a function, arrays nested thousands deep): such a file is
 * corrupt like any other.
 */
export const decodeBundleJson = (text: string): Either.Either<Bundle, ParseResult.ParseError> => {
  try {
    return decodeBundle(text)
  } catch {
    return Either.left(ParseResult.parseError(new ParseResult.Type(Bundle.ast, text, "holds a value that cannot be decoded")))
  }
}
/** Why a bundle.json did not decode, in one short line: the field and what is wrong with it. */
export const describeBundleError = (error: ParseResult.ParseError): string => {
  const { field, reason } = firstIssue(error)
  return field === "" ? reason : `${field}: ${reason}`
}
export const encodeBundleJson = (bundle: Bundle): string => JSON.stringify(bundle, null, 2) + "\n"

const idPattern = /^\d{8}T\d{6}Z-[0-9a-f]{4,12}$/

/** Ids come from the command line and become directory names: only the exact shape we generate is accepted. */
export const validateBundleId = (id: string): Either.Either<string, InvalidBundleId> =>
  idPattern.test(id) ? Either.right(id) : Either.left(new InvalidBundleId({ id }))

/** 2026-11-25T16:45:00.123Z + "7f3a" → 20261125T164500Z-7f3a */
export const makeBundleId = (createdAtIso: string, suffix: string): string =>
  createdAtIso.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "") + "-" + suffix

/** Newest first: createdAt carries milliseconds, the id breaks ties. */
export const newestFirst = (a: Bundle, b: Bundle): number =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1

/**
 * A corrupt bundle newer than every readable one might be the pending handover: refuse to guess past it. Older corrupt
 * bundles do not matter for what is pending.
 */
export const corruptNewest = <C extends { readonly bundleId?: string | undefined }>(
  bundles: ReadonlyArray<Bundle>,
  corrupt: ReadonlyArray<C>
): C | undefined => {
  const newestId = bundles.reduce((max, bundle) => (bundle.id > max ? bundle.id : max), "")
  return corrupt.find((entry) => (entry.bundleId ?? "") > newestId)
}
