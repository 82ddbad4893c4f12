/**
 * Counting what a database holds: chains, events by op and by signature
 * algorithm, and the size of its files.
 *
 * @module
 */

import { openReadOnlyFile } from "./read_only_file.ts";

/** What a database holds, SQLite or PostgreSQL alike. */
export interface EventCounts {
  /** The chains (distinct primaries). */
  readonly chains: number;
  /** The events. */
  readonly events: number;
  /** The events by `payload.op`. */
  readonly byOp: Readonly<Record<string, number>>;
  /** The events by `signature.alg`. */
  readonly byAlg: Readonly<Record<string, number>>;
}

/** What a SQLite database holds, and the size of its files. */
export interface DatabaseStats extends EventCounts {
  /** The size of the database file, in bytes. */
  readonly databaseBytes: number;
  /** The size of its write-ahead log, in bytes; 0 when there is none. */
  readonly walBytes: number;
}

/** A count of events by op and algorithm, as a `GROUP BY` gives it. */
export interface EventGroup {
  /** The events' `payload.op`, or null for rows that are not JSON or lack it. */
  readonly op: string | null;
  /** The events' `signature.alg`, or null likewise. */
  readonly alg: string | null;
  /** How many. */
  readonly n: number;
}

/**
 * Adds up a database's groups of events into its counts. A row that is not
 * JSON, or lacks the member, counts as "none": `verify` says why.
 *
 * @param chains the distinct primaries
 * @param groups the events by op and algorithm
 * @returns the counts
 *
 * @example
 * ```ts
 * import { tallyEvents } from "./stats.ts";
 * const counts = tallyEvents(1, [{ op: "add", alg: "ed25519-sha512-jcs", n: 2 }, { op: null, alg: null, n: 1 }]);
 * if (counts.events !== 3 || counts.byOp.none !== 1 || counts.byOp.add !== 2) throw new Error("unexpected");
 * ```
 */
export function tallyEvents(chains: number, groups: readonly EventGroup[]): EventCounts {
  const byOp: Record<string, number> = {};
  const byAlg: Record<string, number> = {};
  let events = 0;
  for (const { op, alg, n } of groups) {
    byOp[op ?? "none"] = (byOp[op ?? "none"] ?? 0) + n;
    byAlg[alg ?? "none"] = (byAlg[alg ?? "none"] ?? 0) + n;
    events += n;
  }
  return { chains, events, byOp, byAlg };
}

/**
 * The size of a file, 0 when it does not exist.
 *
 * @param path the file
 * @returns its size in bytes
 * @throws {Deno.errors.PermissionDenied} and other failures to stat it, except NotFound
 *
 * @example
 * ```ts
 * import { fileSize } from "./stats.ts";
 * if (fileSize("/no/such/file") !== 0) throw new Error("missing is 0");
 * ```
 */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

/**
 * Counts a SQLite database's chains and events in one read snapshot, on a read-only
 * connection. It reads every row once, so it takes time on a large database;
 * a server can keep writing meanwhile.
 *
 * @param path the database file
 * @returns the counts and sizes
 * @throws {Error} when the database cannot be opened or has no sigchain table
 *
 * @example
 * ```ts
 * import { databaseStats } from "./stats.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const stats = databaseStats(`${dir}/a.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (stats.events !== 0 || stats.databaseBytes === 0) throw new Error("an empty database");
 * ```
 */
export function databaseStats(path: string): DatabaseStats {
  const file = openReadOnlyFile(path);
  const db = file.db;
  try {
    db.exec("BEGIN");
    const groups = db.prepare(
      `SELECT json_extract(json, '$.payload.op') AS op,
              json_extract(json, '$.signature.alg') AS alg,
              COUNT(*) AS n
       FROM (SELECT CASE WHEN json_valid(envelope_json) THEN envelope_json END AS json
             FROM sigchain_events)
       GROUP BY op, alg ORDER BY op, alg`,
    ).all() as unknown as EventGroup[];
    const { chains } = db.prepare(
      `SELECT COUNT(*) AS chains FROM
       (SELECT 1 FROM sigchain_events GROUP BY primary_scheme, primary_id)`,
    ).get() as { chains: number };
    db.exec("COMMIT");
    return {
      ...tallyEvents(chains, groups),
      databaseBytes: fileSize(path),
      walBytes: fileSize(`${path}-wal`),
    };
  } finally {
    file.close();
  }
}
