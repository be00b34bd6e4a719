// Loaded with `node --require` by scripts/chaos.mjs and the tests, never by handover itself: kills the process right
// before or right after the n-th call of one node:fs function (rename, symlink or link), the steps that make a write
// land. HANDOVER_CHAOS_KILL names the moment and, optionally, the signal (SIGKILL by default), e.g. "rename:3:after"
// or "rename:1:before:SIGTERM". The CLI's file system layer binds these functions when it loads, so they are wrapped
// before it does.
const fs = require("node:fs")

const spec = process.env.HANDOVER_CHAOS_KILL
if (spec) {
  const [name, nth, when, signal = "SIGKILL"] = spec.split(":")
  const original = fs[name]
  let calls = 0
  const die = () => process.kill(process.pid, signal)
  fs[name] = function (...args) {
    calls += 1
    if (calls === Number(nth)) {
      const callback = args[args.length - 1]
      if (when === "before") die()
      else if (typeof callback === "function") args[args.length - 1] = () => die()
    }
    return original.apply(this, args)
  }
}
