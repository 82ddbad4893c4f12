/**
 * Small helpers for running on Deno that more than one part of the project
 * needs: finding a worker's module, writing a file atomically, the command
 * table both binaries read their command line with, and the stop on signals.
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
export * from "./command_table.ts";
export * from "./until_stopped.ts";
