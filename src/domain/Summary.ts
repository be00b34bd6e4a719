import type { Bundle, PatchFile } from "./Bundle.js"
import { submoduleNotes } from "./Submodules.js"
import { printableBlock, printableLine } from "./Text.js"

const maxListedFiles = 200

/** One line on why a bundle was captured; its fields come from bundle.json, so they are shown escaped. */
export const describeTrigger = (bundle: Pick<Bundle, "trigger" | "source">): string =>
  printableLine(triggerText(bundle))

const triggerText = (bundle: Pick<Bundle, "trigger" | "source">): string => {
  const trigger = bundle.trigger
  if (trigger.kind === "manual") {
    return bundle.source.tool ? `captured by hand from ${bundle.source.tool}` : "captured by hand"
  }
  if (trigger.reason === "unavailable") {
    return `captured automatically on ${trigger.event} from ${trigger.tool}: the openusage daemon could not be asked`
  }
  const level = trigger.percent === null ? "an unknown share" : `${Math.round(trigger.percent)}%`
  const window = trigger.window ? ` of its ${trigger.window} window` : ""
  const metric = trigger.metric ? ` (${trigger.metric})` : ""
  const limited = trigger.reason === "limited" ? ", reported as LIMITED" : ""
  const resets = trigger.resetsAt ? `; the window resets at ${trigger.resetsAt}` : ""
  return `captured automatically on ${trigger.event}: ${trigger.tool} was at ${level}${window}${metric}${limited}, threshold ${trigger.threshold}%${resets}`
}

const describeFile = (file: PatchFile): string => {
  const name = printableLine(file.oldPath !== undefined ? `${file.oldPath} → ${file.path}` : file.path)
  const stats = file.binary ? "binary" : `+${file.added ?? 0} −${file.deleted ?? 0}`
  return `- ${file.status} \`${name}\` (${stats})`
}

/** The next steps, numbered; those carried over from a manual handover last, under a line that says where from. */
const renderNextSteps = (bundle: Pick<Bundle, "nextSteps" | "carriedOver">): ReadonlyArray<string> => {
  if (bundle.nextSteps.length === 0) return ["(none given: read the summary and the patch)"]
  const carried = new Set(bundle.carriedOver?.nextSteps ?? [])
  const own = bundle.nextSteps.filter((step) => !carried.has(step))
  const fromManual = bundle.nextSteps.filter((step) => carried.has(step))
  const numbered = (steps: ReadonlyArray<string>, first: number) =>
    steps.map((step, index) => `${first + index}. ${printableBlock(step)}`)
  if (bundle.carriedOver === undefined || fromManual.length === 0) return numbered(own, 1)
  const { from, title } = bundle.carriedOver
  return [
    ...numbered(own, 1),
    ...(own.length === 0 ? [] : [""]),
    printableLine(`Next steps carried over from the manual handover ${from} “${title}”:`),
    "",
    ...numbered(fromManual, own.length + 1)
  ]
}

/**
 * summary.md: one page that tells a person or an agent what was going on and exactly how to resume. Every field comes
 * from bundle.json, which a cloned repository may carry: control characters are shown escaped, never printed raw.
 */
export const renderSummary = (bundle: Bundle): string => {
  const lines: Array<string> = [`# Handover: ${printableLine(bundle.title)}`, ""]
  lines.push(`- Captured: ${printableLine(bundle.createdAt)}, ${describeTrigger(bundle)}`)
  if (bundle.target.tool) lines.push(`- Meant for: ${printableLine(bundle.target.tool)}`)
  lines.push(printableLine(
    `- Branch: ${bundle.repo.branch ?? "(detached HEAD)"}${bundle.repo.upstream ? ` (tracking ${bundle.repo.upstream})` : ""}`
  ))
  lines.push(`- HEAD: ${printableLine(bundle.repo.head ?? "(no commit yet)")}`)
  lines.push(`- Bundle: ${printableLine(bundle.id)}`)
  if (bundle.claim !== null) lines.push(printableLine(`- Claimed by ${bundle.claim.by} at ${bundle.claim.at}`))
  const summary = printableBlock(bundle.summary.trim())
  lines.push("", "## Summary", "", summary === "" ? "(no summary given)" : summary, "")
  lines.push("## Next steps", "", ...renderNextSteps(bundle))
  lines.push("", "## Uncommitted changes", "")
  const files = bundle.patch.files
  if (files.length === 0) {
    lines.push("None: the working tree matched HEAD.")
  } else {
    lines.push(`${files.length} file(s), ${bundle.patch.bytes} bytes of patch${bundle.patch.applies ? "" : " (did NOT apply cleanly to HEAD when captured)"}:`, "")
    files.slice(0, maxListedFiles).forEach((file) => lines.push(describeFile(file)))
    if (files.length > maxListedFiles) lines.push(`- … and ${files.length - maxListedFiles} more (see bundle.json)`)
  }
  const submodules = bundle.patch.submodules ?? []
  if (submodules.length > 0) {
    lines.push("", "## Submodules and nested repositories", "")
    lines.push("The patch holds at most their commit ids, never their files:", "")
    for (const state of submodules) {
      const notes = submoduleNotes(state)
      if (notes.length === 0) lines.push(printableLine(`- \`${state.path}\`: nothing in it is missing from the patch`))
      notes.forEach((note) => lines.push(printableLine(`- ${note}`)))
    }
  }
  if (bundle.secrets.findings.length > 0) {
    lines.push("", "## Possible secrets", "", "The patch may contain credentials; check before sharing it:", "")
    for (const finding of bundle.secrets.findings.slice(0, 20)) {
      lines.push(printableLine(`- ${finding.kind} in \`${finding.path}\`${finding.line === null ? "" : ` line ${finding.line}`}`))
    }
  }
  const target = printableLine(bundle.target.tool ?? "")
  const id = printableLine(bundle.id)
  const shortHead = printableLine(bundle.repo.head?.slice(0, 12) ?? "")
  lines.push(
    "",
    "## How to resume",
    "",
    "1. Claim this handover so no other agent takes it: `handover pickup`" +
      (target ? ` (or \`handover pickup --target ${target}\`)` : ""),
    `2. The uncommitted work is in \`.handover/bundles/${id}/workspace.patch\` (also \`.handover/current/workspace.patch\`).`,
    "   In the working tree it was captured from, these changes are normally still present.",
    `3. Elsewhere (a fresh clone at HEAD ${shortHead || "(empty tree)"}, this bundle's directory copied into its`,
    `   .handover/bundles/): \`handover pickup ${id} --apply\` checks and applies the patch (\`--3way\` merges it); or`,
    "   `git apply --3way .handover/current/workspace.patch`.",
    "4. Continue with the next steps above.",
    ""
  )
  return lines.join("\n")
}
