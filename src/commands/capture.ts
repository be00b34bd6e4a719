import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InputInvalid } from "../domain/errors.js"
import { Store } from "../services/Store.js"
import { Workspace } from "../services/Workspace.js"
import { captureBundle, captureWarnings } from "../workflows/Capture.js"
import { jsonOption, loadConfig, printJson, repoRoot, setOption, targetOption, withProgress } from "./common.js"
import { readInput } from "./input.js"
import { ValueName } from "../domain/CommandSpec.js"

const options = {
  title: Options.text("title").pipe(Options.withPseudoName(ValueName.text), Options.withDescription("one line naming the task")),
  summary: Options.text("summary").pipe(Options.withPseudoName(ValueName.text), Options.optional, Options.withDescription("what was going on")),
  summaryFile: Options.text("summary-file").pipe(
    Options.withPseudoName(ValueName.file),
    Options.optional,
    Options.withDescription("read the summary from a file, or - for standard input")
  ),
  nextSteps: Options.text("next-step").pipe(
    Options.withPseudoName(ValueName.text),
    Options.repeated,
    Options.withDescription("a next step for whoever resumes (repeat for several)")
  ),
  source: Options.text("source").pipe(Options.withPseudoName(ValueName.tool), Options.optional, Options.withDescription("the tool the work comes from")),
  target: targetOption,
  json: jsonOption,
  set: setOption
}

export const captureCommand = Command.make("capture", options, (args) =>
  Effect.gen(function*() {
    if (args.title.trim() === "") return yield* new InputInvalid({ what: "--title", reason: "must not be empty" })
    if (Option.isSome(args.summary) && Option.isSome(args.summaryFile)) {
      return yield* new InputInvalid({ what: "--summary and --summary-file", reason: "give one of them, not both" })
    }
    const root = yield* repoRoot
    const { config } = yield* loadConfig(root, args.set)
    const workspace = yield* Workspace
    const summary = Option.isSome(args.summaryFile)
      ? yield* readInput(args.summaryFile.value, workspace.cwd)
      : Option.getOrElse(args.summary, () => "")
    const store = yield* Store
    const capture = captureBundle(root, config, {
      title: args.title.trim(),
      summary,
      nextSteps: args.nextSteps.map((step) => step.trim()).filter((step) => step !== ""),
      trigger: { kind: "manual" },
      source: { tool: Option.getOrNull(args.source) },
      target: Option.match(args.target, { onNone: () => ({}), onSome: (tool) => ({ tool }) })
    })
    const { applyDetail, bundle, pruneProblem } = yield* store.withLock(
      root,
      "capture",
      args.json ? capture : withProgress(capture)
    )
    for (const warning of captureWarnings(bundle, applyDetail, pruneProblem)) yield* Console.error(warning)
    if (args.json) return yield* printJson(bundle)
    yield* Console.log(
      `Captured ${bundle.id}: ${bundle.patch.files.length} changed file(s), ${bundle.patch.bytes} bytes of patch.\n` +
        `Summary: .handover/current/summary.md — resume with: handover pickup`
    )
  })).pipe(Command.withDescription("capture the task state and the uncommitted work into a new bundle"))
