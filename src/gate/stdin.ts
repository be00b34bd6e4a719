// Standard input read within bounds, with node alone: the hook gate reads a hook's stdin with it before the Effect
// runtime loads, and src/layers/StdioLive.ts wraps it for the full CLI, so both read alike.

/** What arrived within the bounds (src/services/Stdio.ts's StdinText). */
export interface ReadStdin {
  readonly text: string
  /** More than maxBytes arrived: text holds only the first maxBytes. */
  readonly overLimit: boolean
}

/**
 * Reads process.stdin until its end, maxBytes, or timeoutMs (null waits); calls `done` once. Returns a function that
 * stops reading early (and then calls `done` with what arrived).
 */
export const readStdin = (
  limits: { readonly maxBytes: number; readonly timeoutMs: number | null },
  done: (stdin: ReadStdin) => void
): () => void => {
  const input = process.stdin
  const chunks: Array<Buffer> = []
  let size = 0
  let overLimit = false
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    input.off("data", onData).off("end", finish).off("error", finish)
    input.pause()
    // Leave nothing that would keep the process alive on a pipe the writer never closes.
    input.unref?.()
    done({ text: Buffer.concat(chunks).toString("utf8"), overLimit })
  }
  const onData = (chunk: Buffer) => {
    const room = limits.maxBytes - size
    overLimit = chunk.length > room
    chunks.push(overLimit ? chunk.subarray(0, room) : chunk)
    size += Math.min(chunk.length, room)
    if (overLimit) finish()
  }
  const timer = limits.timeoutMs === null ? undefined : setTimeout(finish, limits.timeoutMs)
  input.on("data", onData).on("end", finish).on("error", finish)
  return finish
}
