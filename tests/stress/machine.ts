/**
 * The machine a soak ran on: its figures mean little without it.
 *
 * @module
 */

/** What the run ran on. */
export interface Machine {
  /** The cores this process may use (`nproc`). */
  readonly cores: number;
  /** Total memory, GiB. */
  readonly memoryGiB: number;
  /** The CPU model. */
  readonly cpu: string;
  /** The kernel release. */
  readonly kernel: string;
  /** Deno's version. */
  readonly deno: string;
}

/**
 * Describes this machine from `/proc` (Linux); unknown parts are empty.
 *
 * @returns the description
 *
 * @example
 * ```ts
 * import { describeMachine } from "./machine.ts";
 * if (describeMachine().cores < 1) throw new Error("no cores");
 * ```
 */
export function describeMachine(): Machine {
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  const memKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(read("/proc/meminfo"))?.[1] ?? 0);
  return {
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10,
    cpu: /^model name\s*:\s*(.*)$/m.exec(read("/proc/cpuinfo"))?.[1] ?? "",
    kernel: read("/proc/sys/kernel/osrelease").trim(),
    deno: Deno.version.deno,
  };
}
