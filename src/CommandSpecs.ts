import type * as Descriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Option from "effect/Option"
import { type ArgSpec, type CommandSpec, type FlagSpec, ValueName } from "./domain/CommandSpec.js"

// Reads @effect/cli's command values into plain CommandSpecs, so that help, usage errors and completions come from
// the options and arguments the parser itself uses. @effect/cli exposes their usage but not their descriptions, so
// this walks its option, argument and descriptor trees by their tags; test/Cli.test.ts fails when a new
// version of @effect/cli changes them.

/** A node of one of @effect/cli's trees, told apart by its _tag. */
interface Node {
  readonly _tag: string
  readonly [field: string]: any
}

const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Highlight":
    case "Weak":
    case "Strong":
      return spanText(span.value)
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
  }
}

const docText = (doc: HelpDoc.HelpDoc): string => {
  switch (doc._tag) {
    case "Empty":
      return ""
    case "Header":
    case "Paragraph":
      return spanText(doc.value)
    case "Sequence":
      return [docText(doc.left), docText(doc.right)].filter((text) => text !== "").join(" ")
    case "DescriptionList":
      return doc.definitions.map(([term, definition]) => `${spanText(term)}: ${docText(definition)}`).join(" ")
    case "Enumeration":
      return doc.elements.map(docText).join(" ")
  }
}

/** A choice's values, or null for any other type. */
const choicesOf = (primitive: Node): ReadonlyArray<string> | null =>
  primitive._tag === "Choice" ? primitive.alternatives.map(([name]: [string, unknown]) => name) : null

interface Modifiers {
  readonly optional: boolean
  readonly repeatable: boolean
  readonly fallback: unknown
}

const plain: Modifiers = { optional: false, repeatable: false, fallback: undefined }

/** What help shows as a default: a value the user would type, not an absent Option or a switch's false. */
const shownDefault = (fallback: unknown): string | null =>
  typeof fallback === "string" || typeof fallback === "number" ? String(fallback) : null

const flagsOf = (node: Node, modifiers: Modifiers): Array<FlagSpec> => {
  switch (node._tag) {
    case "Empty":
      return []
    case "Single": {
      const isSwitch = node.primitiveType._tag === "Bool"
      return [{
        name: node.fullName,
        value: isSwitch ? null : Option.getOrElse(node.pseudoName as Option.Option<string>, () => ValueName.text),
        choices: choicesOf(node.primitiveType),
        required: !modifiers.optional && !modifiers.repeatable && !isSwitch,
        repeatable: modifiers.repeatable,
        defaultValue: isSwitch ? null : shownDefault(modifiers.fallback),
        description: docText(node.description)
      }]
    }
    case "Map":
      return flagsOf(node.options, modifiers)
    case "Both":
    case "OrElse":
      return [...flagsOf(node.left, modifiers), ...flagsOf(node.right, modifiers)]
    case "WithDefault":
      return flagsOf(node.options, { ...modifiers, optional: true, fallback: node.fallback })
    case "WithFallback":
      return flagsOf(node.options, { ...modifiers, optional: true })
    case "Variadic":
    case "KeyValueMap":
      return flagsOf(node.argumentOption, { ...modifiers, repeatable: true })
    default:
      throw new Error(`handover does not know @effect/cli's option node ${node._tag}`)
  }
}

const argsOf = (node: Node, modifiers: Modifiers): Array<ArgSpec> => {
  switch (node._tag) {
    case "Empty":
      return []
    case "Single":
      return [{
        name: Option.getOrElse(node.pseudoName as Option.Option<string>, () => node.name as string),
        choices: choicesOf(node.primitiveType),
        required: !modifiers.optional && !modifiers.repeatable,
        repeatable: modifiers.repeatable,
        description: docText(node.description)
      }]
    case "Map":
      return argsOf(node.args, modifiers)
    case "Both":
      return [...argsOf(node.left, modifiers), ...argsOf(node.right, modifiers)]
    case "WithDefault":
      return argsOf(node.args, { ...modifiers, optional: true })
    case "WithFallbackConfig":
      return argsOf(node.args, { ...modifiers, optional: true })
    case "Variadic":
      return argsOf(node.args, { ...modifiers, repeatable: true })
    default:
      throw new Error(`handover does not know @effect/cli's argument node ${node._tag}`)
  }
}

/** The descriptor that names the command and holds its options and arguments. */
const standardOf = (node: Node): Node => node._tag === "Map" ? standardOf(node.command) : node

export interface CommandEntry {
  /** An @effect/cli command: only its descriptor is read. */
  readonly command: { readonly descriptor: Descriptor.Command<any> }
  readonly example: string
  readonly trailing?: string
}

export const commandSpec = ({ command, example, trailing }: CommandEntry): CommandSpec => {
  const standard = standardOf(command.descriptor as unknown as Node)
  if (standard._tag !== "Standard") throw new Error(`handover does not know @effect/cli's command node ${standard._tag}`)
  return {
    name: standard.name,
    summary: docText(standard.description),
    flags: flagsOf(standard.options, plain),
    args: argsOf(standard.args, plain),
    trailing: trailing ?? null,
    example
  }
}
