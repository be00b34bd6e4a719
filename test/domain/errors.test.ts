import { describe, expect, it } from "@effect/vitest"
import { GitFailed, gitStderrLine } from "../../src/domain/errors.js"

// git's stderr, byte for byte (git 2.39), of `git add --intent-to-add` in a sparse checkout without --sparse.
const sparseStderr = [
  "The following paths and/or pathspecs matched paths that exist",
  "outside of your sparse-checkout definition, so will not be",
  "updated in the index:",
  "other/x.txt",
  "out/new.txt",
  "hint: If you intend to update such entries, try one of the following:",
  "hint: * Use the --sparse option.",
  "hint: * Disable or modify the sparsity rules.",
  "hint: Disable this message with \"git config advice.updateSparsePath false\"",
  ""
].join("\n")

describe("GitFailed", () => {
  it("gives git's whole message on one line, without git's hints about its own options", () => {
    const error = new GitFailed({ args: ["add", "--intent-to-add", "--", "."], exitCode: 1, stderr: sparseStderr })
    expect(error.message).toBe(
      "git add --intent-to-add -- . failed (exit 1): The following paths and/or pathspecs matched paths that exist " +
        "outside of your sparse-checkout definition, so will not be updated in the index: other/x.txt out/new.txt; " +
        "check the repository with git status"
    )
  })

  it("bounds a long stderr at a word, ending in an ellipsis", () => {
    const long = Array.from({ length: 200 }, (_, i) => `error: could not index path/number-${i}.txt`).join("\n")
    const detail = gitStderrLine(long)
    expect(detail.length).toBeLessThanOrEqual(300)
    expect(detail.endsWith("…")).toBe(true)
    // What is kept is the joined text up to a whole word: the next character is the space between two words.
    expect(long.replace(/\n/g, " ").startsWith(`${detail.slice(0, -1)} `)).toBe(true)
  })

  it("no stderr, no detail", () => {
    expect(new GitFailed({ args: ["status"], exitCode: 128, stderr: "" }).message).toBe(
      "git status failed (exit 128); check the repository with git status"
    )
  })
})
