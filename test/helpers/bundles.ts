import { type Bundle, bundleSchemaVersion, makeBundleId } from "../../src/domain/Bundle.js"

export interface BundleOverrides extends Partial<Omit<Bundle, "repo" | "patch">> {
  readonly repo?: Partial<Bundle["repo"]>
  readonly patch?: Partial<Bundle["patch"]>
}

/** A valid bundle as a capture would write it; the id follows createdAt unless given. */
export const makeBundle = (overrides: BundleOverrides = {}): Bundle => {
  const createdAt = overrides.createdAt ?? "2026-11-25T16:45:00.123Z"
  const { repo, patch, ...rest } = overrides
  return {
    schemaVersion: bundleSchemaVersion,
    id: makeBundleId(createdAt, "7f3a"),
    createdAt,
    title: "Finish the parser",
    summary: "Half-way through the tokenizer.",
    nextSteps: ["Write the tests", "Wire it into the CLI"],
    trigger: { kind: "manual" },
    source: { tool: "claude" },
    target: {},
    claim: null,
    secrets: { mode: "warn", findings: [] },
    ...rest,
    repo: {
      root: "/work/project",
      branch: "main",
      head: "0123456789abcdef0123456789abcdef01234567",
      ...repo
    },
    patch: {
      file: "workspace.patch",
      bytes: 1234,
      sha256: "ab".repeat(32),
      base: "0123456789abcdef0123456789abcdef01234567",
      files: [{ path: "src/parser.ts", status: "modified", binary: false, added: 10, deleted: 2 }],
      includesUntracked: true,
      applies: true,
      ...patch
    }
  }
}
