import { describe, expect, it } from "@effect/vitest"
import { resolveSocketPath } from "../../src/domain/SocketPath.js"

describe("resolveSocketPath", () => {
  const home = "/home/dev"

  it("prefers openusage.socketPath from the config", () => {
    expect(resolveSocketPath("/run/ou.sock", { OPENUSAGE_TELEMETRY_SOCKET: "/env.sock", XDG_STATE_HOME: "/state" }, home))
      .toBe("/run/ou.sock")
  })

  it("then $OPENUSAGE_TELEMETRY_SOCKET", () => {
    expect(resolveSocketPath(null, { OPENUSAGE_TELEMETRY_SOCKET: "/env.sock", XDG_STATE_HOME: "/state" }, home))
      .toBe("/env.sock")
  })

  it("then $XDG_STATE_HOME/openusage/telemetry.sock", () => {
    expect(resolveSocketPath(null, { XDG_STATE_HOME: "/state/" }, home)).toBe("/state/openusage/telemetry.sock")
  })

  it("then ~/.local/state/openusage/telemetry.sock; empty variables count as unset", () => {
    expect(resolveSocketPath(null, { OPENUSAGE_TELEMETRY_SOCKET: "", XDG_STATE_HOME: "" }, home))
      .toBe("/home/dev/.local/state/openusage/telemetry.sock")
  })
})
