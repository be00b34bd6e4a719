import * as FileSystem from "@effect/platform/FileSystem"
import * as Layer from "effect/Layer"
import type { Store } from "../services/Store.js"
import { MemoryFileSystemLayer } from "./MemoryFileSystem.js"
import { StoreLive } from "./StoreLive.js"

/**
 * The store on an in-memory file system: the production store logic (atomic renames, exclusive claims, the lock)
 * without a disk. The FileSystem is exposed too, so tests can look at or damage what the store wrote.
 */
export const StoreMemory: Layer.Layer<Store | FileSystem.FileSystem> = StoreLive.pipe(
  Layer.provideMerge(MemoryFileSystemLayer)
)
