/**
 * The access log's cost: GET head on the real server at the default
 * `--log-level info`, which writes one line per request (`lib/http/app.ts`),
 * and at `warn`, which drops those lines and nothing else the GETs log;
 * three of each in the order of {@linkcode ACCESS_LOG_ORDER}, each on a new
 * server process over the same database, so that a drift of the machine's
 * speed weighs on both alike. Two of each were too few: two runs at one
 * level differed by up to 30%, more than the cost measured.
 *
 * @module
 */

import { measureGet, type WrkTiming } from "./get_phase.ts";
import { memoryOf } from "./proc.ts";
import { summarizeLog } from "./server_run.ts";
import { spawnRealServer, waitReady } from "./servers.ts";
import { writeRotationScript, type WrkResult } from "./wrk.ts";

/** The levels in the order they run: a linear drift weighs on both alike. */
export const ACCESS_LOG_ORDER = ["info", "warn", "warn", "info", "info", "warn"] as const;

/** One run at one level. */
export interface LevelRun {
  /** The level. */
  readonly level: "info" | "warn";
  /** GET head. */
  readonly head: WrkResult;
  /** Lines the server logged in all (request lines at info, next to none at warn). */
  readonly logLines: number;
  /** The server's VmHWM after the load, MB. */
  readonly peakRssMb: number;
}

/** GET head with and without the per-request line. */
export interface AccessLogCost {
  /** Every run, in the order they ran. */
  readonly runs: readonly LevelRun[];
  /** The runs at `--log-level info` (the default). */
  readonly info: readonly LevelRun[];
  /** The runs at `--log-level warn`. */
  readonly warn: readonly LevelRun[];
}

/**
 * Measures GET head at `info` and `warn`, alternating.
 *
 * @param db a database holding the chains
 * @param paths chains of 10 events in it
 * @param dir a scratch directory
 * @param timing wrk's timing
 * @returns both levels' runs
 */
export async function measureAccessLogCost(
  db: string,
  paths: readonly string[],
  dir: string,
  timing: WrkTiming,
): Promise<AccessLogCost> {
  const script = await writeRotationScript(
    `${dir}/access-log-head.lua`,
    paths.map((p) => `${p}/head`),
  );
  let n = 0;
  const run = async (level: "info" | "warn"): Promise<LevelRun> => {
    const logFile = `${dir}/access-log-${n++}-${level}-server.log`;
    // The last --log-level wins over the info that spawnRealServer passes.
    const server = spawnRealServer(db, logFile, ["--log-level", level]);
    try {
      await waitReady(server, 300_000);
      const head = await measureGet(server, script, timing);
      if (server.child.exited) throw new Error(`the server at ${level} exited during GET head`);
      const peakRssMb = memoryOf(server.child.pid).peakMb;
      await server.child.stop(10_000);
      return { level, head, logLines: (await summarizeLog(logFile)).lines, peakRssMb };
    } finally {
      await server.child.stop();
    }
  };
  const runs: LevelRun[] = [];
  for (const level of ACCESS_LOG_ORDER) runs.push(await run(level));
  return {
    runs,
    info: runs.filter((r) => r.level === "info"),
    warn: runs.filter((r) => r.level === "warn"),
  };
}
