import * as Layer from "effect/Layer"
import { homedir } from "node:os"
import { Workspace } from "../services/Workspace.js"

export const WorkspaceLive = Layer.sync(Workspace, () =>
  Workspace.of({
    cwd: process.cwd(),
    home: homedir(),
    env: process.env,
    nodePath: process.execPath,
    ...(process.argv[1] !== undefined ? { handoverPath: process.argv[1] } : {})
  }))
