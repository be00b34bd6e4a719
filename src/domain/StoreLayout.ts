import { validateBundleId } from "./Bundle.js"

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
    installed: `${home}/installed.json`,
    bundle: (id) => `${home}/bundles/${id}`
  }
}

/** Only config.json (and this file) are meant to be committed; bundles can hold secrets from the working tree. */
export const storeGitignore = "# Written by handover: only config.json is meant to be committed.\n*\n!.gitignore\n!config.json\n"

/** current is a relative symbolic link to its bundle's directory, swapped in one rename. */
export const currentLinkTarget = (id: string): string => `bundles/${id}`

/** The bundle id a current link names, when it is exactly one that handover writes; anything else is not ours. */
export const bundleIdOfCurrentLink = (target: string): string | undefined => {
  const match = /^bundles\/([^/]+)$/.exec(target)
  return match !== null && validateBundleId(match[1]!)._tag === "Right" ? match[1] : undefined
}

/** Temporary files carry their writer's pid, so that what a killed process left can be told from work in progress. */
export const tempFileName = (pid: number, random: string, name: string): string => `.tmp-${pid}-${random}-${name}`

/** The pid of the process that wrote a temporary file, or undefined when the name is not one of ours. */
export const tempFileWriter = (name: string): number | undefined => {
  const match = /^\.tmp-(\d+)-[0-9a-f]+-/.exec(name)
  return match === null ? undefined : Number(match[1])
}

/** Staging directories of bundles being written (and their scratch space) start with this. */
export const stagingPrefix = ".staging-"
