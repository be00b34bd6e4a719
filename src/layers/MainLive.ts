import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Layer from "effect/Layer"
import { GitLive } from "./GitLive.js"
import { LauncherLive } from "./LauncherLive.js"
import { MachineLive } from "./MachineLive.js"
import { OpenUsageLive } from "./OpenUsageLive.js"
import { StdioLive } from "./StdioLive.js"
import { StoreLive } from "./StoreLive.js"
import { SurfacesLive } from "./SurfacesLive.js"
import { WorkspaceLive } from "./WorkspaceLive.js"

const PlatformLive = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer).pipe(
  Layer.provideMerge(NodeCommandExecutor.layer.pipe(Layer.provide(NodeFileSystem.layer)))
)

// SurfacesLive costs nothing at start-up: it loads its JSON editor on first use.
export const MainLive = Layer.mergeAll(
  GitLive,
  LauncherLive,
  StoreLive,
  SurfacesLive,
  OpenUsageLive,
  StdioLive,
  MachineLive.pipe(Layer.provide(WorkspaceLive)),
  WorkspaceLive
).pipe(Layer.provideMerge(PlatformLive))
