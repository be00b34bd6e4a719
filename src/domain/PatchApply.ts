import type { Bundle } from "./Bundle.js"

/** How `pickup --apply` writes: the working tree only, also the index (--index), or a three-way merge (--3way). */
export interface ApplyMode {
  readonly index: boolean
  /** git apply --3way, which implies --index (git 2.39 documents it so). */
  readonly threeWay: boolean
}

/**
 * Why workspace.patch on disk is not the patch bundle.json describes (its size and sha256), or undefined when it is.
 * Only a patch that passes is ever handed to git.
 */
export const patchMismatch = (
  bundle: Pick<Bundle, "patch">,
  onDisk: { readonly bytes: number; readonly sha256: string } | undefined
): string | undefined => {
  if (onDisk === undefined) return "is missing"
  if (onDisk.bytes !== bundle.patch.bytes) {
    return `has ${onDisk.bytes} bytes where bundle.json records ${bundle.patch.bytes}`
  }
  if (onDisk.sha256 !== bundle.patch.sha256) return "does not match the sha256 bundle.json records"
  return undefined
}

/** What git says of one `git apply --check`: whether it would apply, and its stderr. */
export interface ApplyCheck {
  readonly applies: boolean
  readonly stderr: string
}

/** Every question asked of git before anything is written; threeWay only with --3way when the plain check fails. */
export interface ApplyChecks {
  /** `git apply --check --reverse`: passes when the work is already in this tree. */
  readonly reverse: ApplyCheck
  readonly forward: ApplyCheck
  readonly threeWay?: ApplyCheck | undefined
}

export type ApplyPlan =
  | { readonly _tag: "NothingToApply" }
  | { readonly _tag: "AlreadyApplied" }
  | { readonly _tag: "Apply" }
  | { readonly _tag: "Refuse"; readonly paths: ReadonlyArray<string>; readonly detail: string }

/** The plain check failed and --3way was asked for: only then is git asked whether a three-way merge could apply it. */
export const needsThreeWayCheck = (mode: ApplyMode, checks: Omit<ApplyChecks, "threeWay">): boolean =>
  mode.threeWay && !checks.reverse.applies && !checks.forward.applies

/**
 * What pickup --apply does with a patch that is not empty, decided before it writes anything: one already applied
 * changes nothing; one that applies (cleanly, or with --3way as a merge) is applied; otherwise nothing changes at all.
 */
export const planApply = (checks: ApplyChecks): ApplyPlan => {
  if (checks.reverse.applies) return { _tag: "AlreadyApplied" }
  if (checks.forward.applies || checks.threeWay?.applies === true) return { _tag: "Apply" }
  const stderr = checks.threeWay?.stderr ?? checks.forward.stderr
  return { _tag: "Refuse", paths: conflictingPaths(checks.forward.stderr), detail: stderr }
}

// How git apply (LC_ALL=C) names the path it cannot apply, one "error:" line per problem.
const pathInError = [
  /^error: patch failed: (.+):\d+$/,
  /^error: invalid path '(.+)'$/,
  /^error: affected file '(.+)' is beyond a symbolic link$/,
  /^error: (.+?): (?:patch does not apply|already exists in (?:working directory|index)|does not exist in index|does not match index|No such file or directory|wrong type|has type \d+, expected \d+)$/
]

/** The paths git's `apply --check` stderr names as not applying, in order, each once. */
export const conflictingPaths = (stderr: string): ReadonlyArray<string> => {
  const paths = stderr.split("\n").flatMap((line) => {
    for (const pattern of pathInError) {
      const match = pattern.exec(line.trimEnd())
      if (match?.[1] !== undefined) return [match[1]]
    }
    return []
  })
  return [...new Set(paths)]
}

/** A list of paths for a one-line message: the first few, then how many more. */
export const listPaths = (paths: ReadonlyArray<string>, shown = 10): string =>
  paths.length <= shown
    ? paths.join(", ")
    : `${paths.slice(0, shown).join(", ")} and ${paths.length - shown} more`

const files = (count: number) => `${count} file${count === 1 ? "" : "s"}`

/** The line pickup --apply prints on stderr when it is done, for each plan that does not fail. */
export const appliedLine = (
  plan: Exclude<ApplyPlan, { readonly _tag: "Refuse" }>,
  bundle: Pick<Bundle, "patch">,
  mode: ApplyMode
): string => {
  switch (plan._tag) {
    case "NothingToApply":
      return "workspace.patch is empty: nothing to apply"
    case "AlreadyApplied":
      return "workspace.patch is already applied to this working tree: nothing changed"
    case "Apply": {
      const where = mode.threeWay
        ? "with --3way to the working tree and the index"
        : mode.index
        ? "to the working tree and the index"
        : "to the working tree"
      return `applied workspace.patch ${where}: ${files(bundle.patch.files.length)}`
    }
  }
}
