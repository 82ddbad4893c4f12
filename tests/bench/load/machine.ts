/**
 * The machine a run measured: figures mean little without it.
 *
 * @module
 */

/** What the run ran on. */
export interface Machine {
  /** `nproc`: the cores this process may use. */
  readonly cores: number;
  /** Total memory, GiB. */
  readonly memoryGiB: number;
  /** The CPU model name. */
  readonly cpu: string;
  /** Deno's version. */
  readonly deno: string;
  /** `wrk --version`'s first words. */
  readonly wrk: string;
}

function run(command: string, args: string[]): string {
  try {
    const out = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).outputSync();
    return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  } catch {
    return "";
  }
}

/**
 * Reads the machine's description.
 *
 * @returns the machine
 */
export function describeMachine(): Machine {
  const meminfo = Deno.readTextFileSync("/proc/meminfo");
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0);
  return {
    cores: Number(run("nproc", []).trim()) || navigator.hardwareConcurrency,
    memoryGiB: memKb / 1024 / 1024,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    deno: Deno.version.deno,
    wrk: /^wrk (\S+)/m.exec(run("wrk", ["--version"]))?.[1] ?? "unknown",
  };
}

/**
 * One line about the machine.
 *
 * @param m the machine
 * @returns e.g. `nproc 2 · 23.5 GiB · AMD EPYC · Deno 2.9.6 · wrk 4.1.0`
 */
export function formatMachine(m: Machine): string {
  return `nproc ${m.cores} · ${m.memoryGiB.toFixed(1)} GiB memory · CPU ${m.cpu} · ` +
    `Deno ${m.deno} · wrk ${m.wrk}`;
}
