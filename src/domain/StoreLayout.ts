/** Where everything lives inside `.handover/` at the git top level. */
export const storeDirName = ".handover"

export interface StoreLayout {
  readonly home: string
  readonly config: string
  readonly gitignore: string
  readonly current: string
  readonly bundles: string
  readonly rendered: string
  readonly state: string
  readonly lock: string
  readonly eventLog: string
  readonly triggerMemory: string
  readonly installed: string
  readonly bundle: (id: string) => string
}

export const storeLayout = (root: string): StoreLayout => {
  const home = `${root}/${storeDirName}`
  return {
    home,
    config: `${home}/config.json`,
    gitignore: `${home}/.gitignore`,
    current: `${home}/current`,
    bundles: `${home}/bundles`,
    rendered: `${home}/rendered`,
    state: `${home}/state`,
    lock: `${home}/state/lock`,
    eventLog: `${home}/state/events.log`,
    triggerMemory: `${home}/state/trigger.json`,
    installed: `${home}/installed.json`,
    bundle: (id) => `${home}/bundles/${id}`
  }
}

/** Only config.json (and this file) are meant to be committed; bundles can hold secrets from the working tree. */
export const storeGitignore = "# Written by handover: only config.json is meant to be committed.\n*\n!.gitignore\n!config.json\n"

/** The event log is rotated past this size, keeping one previous file: bounded whatever the hooks do. */
export const eventLogMaxBytes = 256 * 1024
