import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Layer from "effect/Layer"
import { DisplayLive } from "./DisplayLive.js"
import { GitLive } from "./GitLive.js"
import { HostProbeLive } from "./HostProbeLive.js"
import { LauncherLive } from "./LauncherLive.js"
import { MachineLive } from "./MachineLive.js"
import { OpenUsageLive } from "./OpenUsageLive.js"
import type { StdinText } from "../services/Stdio.js"
import { makeStdioLive } from "./StdioLive.js"
import { StoreLive } from "./StoreLive.js"
import { SurfacesLive } from "./SurfacesLive.js"
import { WorkspaceLive } from "./WorkspaceLive.js"

const PlatformLive = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer).pipe(
  Layer.provideMerge(NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer)))
)

// SurfacesLive costs nothing at start-up: it loads its JSON editor on first use.
/** `preread`: the stdin the hook gate already read, when it handed the command over. */
export const makeMainLive = (preread?: StdinText) => Layer.mergeAll(
  DisplayLive,
  GitLive,
  LauncherLive,
  StoreLive,
  SurfacesLive,
  OpenUsageLive,
  makeStdioLive(preread),
  MachineLive.pipe(Layer.provide(WorkspaceLive)),
  HostProbeLive.pipe(Layer.provide(WorkspaceLive)),
  WorkspaceLive
).pipe(Layer.provideMerge(PlatformLive))
