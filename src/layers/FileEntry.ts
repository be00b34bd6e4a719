import type * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"

// What the layers that refuse to follow links share: telling what is at a path without following a link there.

/** What is at a path, found without following a link there. */
export type Entry =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Link"; readonly target: string }
  | { readonly _tag: "Present" }

/** A platform error's cause, for messages. */
export const reasonOf = (error: PlatformError): string =>
  error._tag === "SystemError" ? `${error.reason}${error.description ? `: ${error.description}` : ""}` : error.message

export const isReason = (reason: string) => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === reason

/** A non-link makes readlink fail with EINVAL, a missing path with ENOENT: one system call tells all three apart. */
export const entryAt = (fs: FileSystem.FileSystem, path: string): Effect.Effect<Entry> =>
  fs.readLink(path).pipe(
    Effect.map((target): Entry => ({ _tag: "Link", target })),
    Effect.catchAll((error) => Effect.succeed<Entry>(isReason("NotFound")(error) ? { _tag: "Missing" } : { _tag: "Present" }))
  )
