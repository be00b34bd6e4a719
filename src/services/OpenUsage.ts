import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { OpenUsageError } from "../domain/errors.js"
import type { DaemonConnection, DaemonHealth, ReadModel } from "../domain/OpenUsage.js"

/** The local openusage daemon, asked only when a hook fires (never polled). */
export class OpenUsage extends Context.Tag("handover/OpenUsage")<OpenUsage, {
  /** GET /healthz; fails with DaemonProtocolError when api_version is not "" or "v1". */
  readonly health: (connection: DaemonConnection) => Effect.Effect<DaemonHealth, OpenUsageError>
  /** POST /v1/read-model with body {}. */
  readonly readModel: (connection: DaemonConnection) => Effect.Effect<ReadModel, OpenUsageError>
}>() {}
