import * as Stream from "effect/Stream"

/** Collects the chunks GitLive.workspacePatch lets an observer see, copied: it reuses their memory. */
export const keepChunks = <E>(patch: Stream.Stream<Uint8Array, E>) =>
  Stream.runCollect(Stream.map(patch, (chunk) => Buffer.from(chunk)))
