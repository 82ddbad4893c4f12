/**
 * Small helpers for running on Deno that more than one part of the project
 * needs: finding a worker's module, and writing a file atomically.
 *
 * @example
 * ```ts
 * import { workerModuleExists } from "./mod.ts";
 * if (!workerModuleExists(new URL(import.meta.url))) throw new Error("exists");
 * ```
 *
 * @module
 */

export * from "./worker_module.ts";
export * from "./atomic_write.ts";
