// Where the CLI's V8 code cache lives: effect-free, for the entry that writes it (src/gate/entry.ts) and for doctor.

/** $XDG_CACHE_HOME/handover, else ~/.cache/handover. */
export const compileCacheDir = (xdgCacheHome: string | undefined, home: string): string =>
  `${xdgCacheHome || `${home}/.cache`}/handover`
