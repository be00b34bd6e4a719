// No `effect` import: the hook gate (src/gate) bundles this too.

/** Socket path: config, then $OPENUSAGE_TELEMETRY_SOCKET, then $XDG_STATE_HOME, then ~/.local/state. */
export const resolveSocketPath = (
  configured: string | null,
  env: Readonly<Record<string, string | undefined>>,
  home: string
): string => {
  if (configured) return configured
  const fromEnv = env["OPENUSAGE_TELEMETRY_SOCKET"]
  if (fromEnv) return fromEnv
  const stateHome = env["XDG_STATE_HOME"]
  if (stateHome) return `${stateHome.replace(/\/+$/, "")}/openusage/telemetry.sock`
  return `${home.replace(/\/+$/, "")}/.local/state/openusage/telemetry.sock`
}
