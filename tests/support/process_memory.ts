/**
 * Test support: a process's resident memory, as Linux reports it.
 *
 * @module
 */

/**
 * Reads `VmRSS` from `/proc/PID/status`.
 *
 * @param pid the process
 * @returns the resident set size in KiB, or null where `/proc` does not say
 *   (not Linux, or the process has exited)
 *
 * @example
 * ```ts
 * import { residentKiB } from "./process_memory.ts";
 * const kib = residentKiB(Deno.pid);
 * if (Deno.build.os === "linux" && !(kib! > 0)) throw new Error("no VmRSS");
 * ```
 */
export function residentKiB(pid: number): number | null {
  let status: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m === null ? null : Number(m[1]);
}
