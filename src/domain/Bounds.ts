// Bounds on what handover reads, shared by the full CLI and the hook gate (src/gate/, which imports no Effect module):
// kept here, free of imports, so that both read the same numbers.

/** The event log is rotated past this size, keeping one previous file: bounded whatever the hooks do. */
export const eventLogMaxBytes = 256 * 1024

/**
 * Bounds on every file handover reads back from its store: the store may come with a cloned repository, and a
 * 2 GB bundle.json must not become a 2 GB string.
 */
export const storeReadLimits = {
  config: 1024 * 1024,
  bundleJson: 32 * 1024 * 1024,
  claim: 64 * 1024,
  lock: 64 * 1024,
  state: 1024 * 1024
} as const

/** A hook's payload on stdin: read for at most this long and this much (an agent may leave stdin open). */
export const hookStdinLimits = { maxBytes: 1024 * 1024, timeoutMs: 1000 } as const

/** The most of one openusage daemon answer that is read: far above any real read model, so a bigger one is not the daemon we expect. */
export const daemonAnswerMaxBytes = 8 * 1024 * 1024

/** The longest delay a Node timer holds; a longer one fires after 1 ms, with a warning on stderr. Config timeouts are cut to it. */
export const maxTimerMs = 2 ** 31 - 1
