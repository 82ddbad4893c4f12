/**
 * Finding a worker's module before starting it: a single-file bundle has no
 * module files beside it, and a worker that fails to load only says so
 * asynchronously, after printing an uncaught error.
 *
 * @module
 */

/**
 * Tells whether a worker module can be loaded from a URL.
 *
 * @param url the module, usually `new URL("./x_worker.ts", import.meta.url)`
 * @returns true for a file that exists, or any URL that is not a file
 *
 * @example
 * ```ts
 * import { workerModuleExists } from "./worker_module.ts";
 * if (!workerModuleExists(new URL(import.meta.url))) throw new Error("this file exists");
 * if (workerModuleExists(new URL("./no_such_worker.ts", import.meta.url))) throw new Error("absent");
 * ```
 */
export function workerModuleExists(url: URL): boolean {
  try {
    return url.protocol !== "file:" || Deno.statSync(url).isFile;
  } catch {
    return false;
  }
}
