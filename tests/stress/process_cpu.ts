/**
 * A process's CPU time, as Linux reports it: with the wall time, how busy the
 * server was during a soak (the load generator shares the machine).
 *
 * @module
 */

/**
 * Reads user plus system CPU time from `/proc/PID/stat`.
 *
 * @param pid the process
 * @returns seconds of CPU used so far, or null where `/proc` does not say
 *
 * @example
 * ```ts
 * import { cpuSeconds } from "./process_cpu.ts";
 * if (Deno.build.os === "linux" && cpuSeconds(Deno.pid) === null) throw new Error("no stat");
 * ```
 */
export function cpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  // USER_HZ is 100 on every Linux this runs on.
  return Number.isFinite(ticks) ? ticks / 100 : null;
}
