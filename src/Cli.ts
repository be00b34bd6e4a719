import * as Command from "@effect/cli/Command"
import { captureCommand } from "./commands/capture.js"
import { initCommand } from "./commands/init.js"
import { inspectCommand } from "./commands/inspect.js"
import { onEventCommand } from "./commands/onEvent.js"
import { pendingCommand } from "./commands/pending.js"
import { pickupCommand } from "./commands/pickup.js"
import { printConfigCommand } from "./commands/printConfig.js"
import { sessionStartCommand } from "./commands/sessionStart.js"
import { statusCommand } from "./commands/status.js"

declare const HANDOVER_VERSION: string

const handover = Command.make("handover").pipe(
  Command.withDescription(
    "Carries coding work across the usage limits of coding agents: captures the task state into .handover/ " +
      "and lets the next agent resume from it."
  ),
  // In the order DESIGN.md lists them: set-up, capture and the hooks, reading the store, then resuming.
  Command.withSubcommands([
    initCommand,
    captureCommand,
    onEventCommand,
    sessionStartCommand,
    inspectCommand,
    printConfigCommand,
    statusCommand,
    pendingCommand,
    pickupCommand
  ])
)

export const run = Command.run(handover, {
  name: "handover",
  version: typeof HANDOVER_VERSION === "string" ? HANDOVER_VERSION : "0.0.0-dev"
})
