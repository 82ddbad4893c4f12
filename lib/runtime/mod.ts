/**
 * Small helpers for running on Deno that more than one part of the server
 * needs.
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
