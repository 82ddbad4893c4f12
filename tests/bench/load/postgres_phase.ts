/**
 * The PostgreSQL figures: a throwaway cluster (`tests/support/postgres.ts`,
 * with PostgreSQL's default durability), the raw batched-insert limit on it
 * (`pg_limit.ts`), then GET head and POST fresh Ed25519 on one real server on
 * a fresh database, and on two real servers sharing another fresh database,
 * the load split between them: wrk's connections half to each, the POST
 * generator's connections to each in turn.
 *
 * @module
 */

import { type PostgresCluster, startPostgres, whyNoPostgres } from "../../support/postgres.ts";
import { measureGet, seedOverHttp, shapeOf, type WrkTiming } from "./get_phase.ts";
import { measurePgLimit } from "./pg_limit.ts";
import type { PostLoadResult } from "./post_load.ts";
import { postTo } from "./post_phase.ts";
import { memoryOf } from "./proc.ts";
import { type LogSummary, summarizeLog } from "./server_run.ts";
import { type Server, spawnRealServer, waitReady } from "./servers.ts";
import type { Workload } from "./workloads.ts";
import { writeRotationScript, type WrkResult } from "./wrk.ts";

/** The figures of one or two servers on one database. */
export interface PgServersRun {
  /** GET head, one wrk per server, run at the same time. */
  readonly head: readonly WrkResult[];
  /** POST fresh Ed25519, the connections split between the servers. */
  readonly post: PostLoadResult;
  /** Each server's VmHWM after the load, MB. */
  readonly peakRssMb: readonly number[];
  /** Each server's log. */
  readonly logs: readonly LogSummary[];
}

/** The PostgreSQL figures, or why there are none. */
export type PostgresFigures =
  | {
    readonly ran: true;
    /** Raw batched inserts of what a commit writes, rows/s. */
    readonly limit: { readonly oneRowPerTx: number; readonly batch64: number };
    /** One server. */
    readonly one: PgServersRun;
    /** Two servers on one database. */
    readonly two: PgServersRun;
  }
  | { readonly ran: false; readonly why: string };

/** What the phase runs. */
export interface PostgresPhaseOptions {
  /** A scratch directory (logs, the key file, wrk scripts). */
  readonly dir: string;
  /** The POSTs: fresh Ed25519 chains. */
  readonly workload: Workload;
  /** Chains of 10 events to seed over HTTP for GET head. */
  readonly getChains: number;
  /** wrk's timing; its connections are split between two servers. */
  readonly wrk: WrkTiming;
  /** The cap on each POST run, seconds. */
  readonly postSeconds: number;
  /** How long the limit probe counts, seconds. */
  readonly limitSeconds: number;
  /** Progress lines go here. */
  readonly log: (line: string) => void;
}

let running: PostgresCluster | null = null;

/** Stops the cluster, if one is running (for Ctrl-C). */
export async function stopPostgres(): Promise<void> {
  await running?.stop();
}

/** Writes the log key every server on the database signs with (64 hex digits, mode 0600). */
async function writeLogKey(path: string): Promise<void> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const hex = Array.from(seed, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(path, `${hex}\n`, { mode: 0o600 });
}

async function measureServers(
  url: string,
  count: 1 | 2,
  keyFile: string,
  label: string,
  o: PostgresPhaseOptions,
): Promise<PgServersRun> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      servers.push(
        spawnRealServer(url, `${o.dir}/${label}-${i}-server.log`, ["--log-key", keyFile]),
      );
    }
    // Started together: the migration's advisory lock lets one of them create the schema.
    await Promise.all(servers.map((s) => waitReady(s, 60_000)));
    const { paths } = await seedOverHttp(servers[0]!.base, o.getChains);
    const headPaths = paths.map((p) => `${p}/head`);
    // Every server answers for chains another stored: checked once before measuring.
    for (const s of servers) await shapeOf(s.base, headPaths);
    const script = await writeRotationScript(`${o.dir}/${label}-head.lua`, headPaths);
    o.log(`${label}: GET head`);
    const timing = { ...o.wrk, connections: o.wrk.connections / count };
    const head = await Promise.all(servers.map((s) => measureGet(s, script, timing)));
    o.log(`${label}: POST ed25519 fresh`);
    const post = await postTo(servers, o.workload, o.postSeconds);
    for (const s of servers) {
      if (s.child.exited) throw new Error(`${label}: a server exited during the load`);
    }
    const peakRssMb = servers.map((s) => memoryOf(s.child.pid).peakMb);
    await Promise.all(servers.map((s) => s.child.stop(10_000)));
    const logs = await Promise.all(servers.map((s) => summarizeLog(s.logFile!)));
    return { head, post, peakRssMb, logs };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
  }
}

/**
 * Runs the PostgreSQL figures, or says why it cannot.
 *
 * @param o what to run
 * @returns the figures, or the reason there are none
 * @throws {Error} when the cluster starts but a figure fails
 */
export async function measurePostgres(o: PostgresPhaseOptions): Promise<PostgresFigures> {
  const why = whyNoPostgres();
  if (why !== null) return { ran: false, why };
  o.log("PostgreSQL: starting a throwaway cluster");
  running = await startPostgres();
  try {
    const keyFile = `${o.dir}/pg-log.key`;
    await writeLogKey(keyFile);
    o.log("PostgreSQL: raw batched-insert limit");
    const raw = await measurePgLimit(await running.createDatabase("raw"), o.limitSeconds * 2);
    const one = await measureServers(await running.createDatabase("one"), 1, keyFile, "pg-1", o);
    const two = await measureServers(await running.createDatabase("two"), 2, keyFile, "pg-2", o);
    return {
      ran: true,
      limit: { oneRowPerTx: raw.oneRowPerTxPerSec!, batch64: raw.batch64RowsPerSec! },
      one,
      two,
    };
  } finally {
    await running.stop();
    running = null;
  }
}
