/**
 * Reading a process's CPU time and memory from Linux `/proc`, to show which
 * side of a load run is saturated and how much memory the server kept.
 *
 * @module
 */

let ticksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, the unit of `/proc/PID/stat` times (100 on Linux almost always). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).outputSync();
      ticksPerSecond = Number(new TextDecoder().decode(out.stdout).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time a process has used so far, user plus system, all threads.
 *
 * @param pid the process, or `"self"`
 * @returns seconds, or `undefined` once the process is gone
 */
export function cpuSeconds(pid: number | "self"): number | undefined {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Resident memory of a process, from `/proc/PID/status`. */
export interface Memory {
  /** VmRSS now, MB. */
  readonly rssMb: number;
  /** VmHWM, the peak resident set since the process started, MB. */
  readonly peakMb: number;
}

/**
 * Reads a process's resident memory.
 *
 * @param pid the process
 * @returns current and peak RSS
 * @throws {Deno.errors.NotFound} once the process is gone
 */
export function memoryOf(pid: number): Memory {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/**
 * Samples a process's CPU time while something runs, for its average use
 * over the run: the process may exit at the end, so the last sample counts.
 */
export class CpuMeter {
  readonly #pid: number | "self";
  readonly #start: number;
  readonly #startCpu: number;
  #last: { at: number; cpu: number };
  readonly #timer: ReturnType<typeof setInterval>;

  /** @param pid the process to watch, or `"self"` */
  constructor(pid: number | "self") {
    this.#pid = pid;
    this.#start = performance.now();
    this.#startCpu = cpuSeconds(pid) ?? 0;
    this.#last = { at: this.#start, cpu: this.#startCpu };
    this.#timer = setInterval(() => this.#sample(), 100);
  }

  #sample(): void {
    const cpu = cpuSeconds(this.#pid);
    if (cpu !== undefined) this.#last = { at: performance.now(), cpu };
  }

  /**
   * Stops sampling.
   *
   * @returns the average CPU use over the run, in cores (1.0 = one core busy)
   */
  stop(): number {
    this.#sample();
    clearInterval(this.#timer);
    const seconds = (this.#last.at - this.#start) / 1000;
    return seconds > 0 ? (this.#last.cpu - this.#startCpu) / seconds : 0;
  }
}

/** Busy CPU time of the whole machine so far (all processes, steal excluded), seconds. */
function machineBusySeconds(): number {
  const line = Deno.readTextFileSync("/proc/stat").split("\n", 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq!) / clockTicks();
}

/**
 * Measures how busy the whole machine was while something ran, so a run
 * disturbed by other processes can be told from a clean one.
 */
export class MachineMeter {
  readonly #start = performance.now();
  readonly #busy = machineBusySeconds();

  /**
   * @returns the machine's average busy cores since construction
   */
  stop(): number {
    const seconds = (performance.now() - this.#start) / 1000;
    return seconds > 0 ? (machineBusySeconds() - this.#busy) / seconds : 0;
  }
}
