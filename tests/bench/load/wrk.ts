/**
 * Running `wrk` (Debian's `wrk` package) against a GET route and reading its
 * report, with the CPU use of wrk itself (to show it is not the bottleneck)
 * and of the server.
 *
 * @module
 */

import { CpuMeter, MachineMeter } from "./proc.ts";
import { spawn } from "./processes.ts";

/** One wrk run. */
export interface WrkOptions {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** A Lua script (see {@linkcode writeRotationScript}); without one, GET of `base` + `/`. */
  readonly script?: string;
  /** wrk threads (`-t`). */
  readonly threads: number;
  /** Open connections (`-c`). */
  readonly connections: number;
  /** Duration (`-d`), seconds. */
  readonly seconds: number;
  /** The server's pid, to report its CPU use over the run. */
  readonly serverPid?: number;
}

/** What wrk measured. */
export interface WrkResult {
  /** Completed requests. */
  readonly requests: number;
  /** Requests per second, wrk's own figure. */
  readonly perSec: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** Answers that were not 2xx or 3xx, plus socket errors: must be 0. */
  readonly errors: number;
  /** wrk's average CPU use over the run, in cores. */
  readonly wrkCores: number;
  /** The server's average CPU use over the run, in cores, if its pid was given. */
  readonly serverCores?: number;
  /** The whole machine's average busy cores over the run: the rest is other processes. */
  readonly machineCores: number;
  /** `-tN -cN -dNs`, for the notes. */
  readonly params: string;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(report: string, percent: number): number {
  const m = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(report);
  if (m === null) throw new Error(`no ${percent}% latency in wrk's report:\n${report}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * Runs wrk once with `--latency`.
 *
 * @param options what to run
 * @returns its figures
 * @throws {Error} when wrk fails or its report cannot be read
 */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const params = `-t${options.threads} -c${options.connections} -d${options.seconds}s`;
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--latency",
    ...(options.script === undefined ? [] : ["-s", options.script]),
    `${options.base}/`,
  ];
  const wrk = spawn("wrk", "wrk", args, "piped");
  const machine = new MachineMeter();
  const wrkCpu = new CpuMeter(wrk.pid);
  const serverCpu = options.serverPid === undefined ? undefined : new CpuMeter(options.serverPid);
  const report = await new Response(wrk.stdout).text();
  const status = await wrk.status;
  const wrkCores = wrkCpu.stop();
  const serverCores = serverCpu?.stop();
  const machineCores = machine.stop();
  if (!status.success) throw new Error(`wrk ${args.join(" ")} failed:\n${report}`);

  const requests = Number(/^\s*(\d+) requests in/m.exec(report)?.[1]);
  const perSec = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(report)?.[1]);
  if (!Number.isFinite(requests) || !Number.isFinite(perSec)) {
    throw new Error(`cannot read wrk's report:\n${report}`);
  }
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    report,
  );
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((a, b) => a + Number(b), 0);
  return {
    requests,
    perSec,
    p50Ms: latencyMs(report, 50),
    p99Ms: latencyMs(report, 99),
    errors: non2xx + socketErrors,
    wrkCores,
    ...(serverCores === undefined ? {} : { serverCores }),
    machineCores,
    params,
  };
}

/**
 * Writes a wrk Lua script that GETs the given paths in turn, one per
 * request, with the requests formatted once at start (not per request, which
 * would cost wrk CPU).
 *
 * @param file where to write it
 * @param paths the request paths, e.g. `/v1/sigchains/ed25519/…/head`
 * @returns `file`
 */
export async function writeRotationScript(file: string, paths: readonly string[]): Promise<string> {
  const lua = `-- GET each path in turn.
local paths = { ${paths.map((p) => JSON.stringify(p)).join(", ")} }
local reqs = {}
local i = 0
function init(args)
  for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p) end
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
`;
  await Deno.writeTextFile(file, lua);
  return file;
}
