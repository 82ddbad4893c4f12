/**
 * Counting what a database holds: chains, events by op and by signature
 * algorithm, and the size of its files.
 *
 * @module
 */

import { openReadOnlyFile } from "./read_only_file.ts";

/** What a database holds. */
export interface DatabaseStats {
  /** The chains (distinct primaries). */
  readonly chains: number;
  /** The events. */
  readonly events: number;
  /** The events by `payload.op`. */
  readonly byOp: Readonly<Record<string, number>>;
  /** The events by `signature.alg`. */
  readonly byAlg: Readonly<Record<string, number>>;
  /** The size of the database file, in bytes. */
  readonly databaseBytes: number;
  /** The size of its write-ahead log, in bytes; 0 when there is none. */
  readonly walBytes: number;
}

interface GroupRow {
  op: string | null;
  alg: string | null;
  n: number;
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
 * Counts a database's chains and events in one read snapshot, on a read-only
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
    ).all() as unknown as GroupRow[];
    const { chains } = db.prepare(
      `SELECT COUNT(*) AS chains FROM
       (SELECT 1 FROM sigchain_events GROUP BY primary_scheme, primary_id)`,
    ).get() as { chains: number };
    db.exec("COMMIT");
    const byOp: Record<string, number> = {};
    const byAlg: Record<string, number> = {};
    let events = 0;
    for (const { op, alg, n } of groups) {
      // A row that is not JSON, or lacks the member, counts as "none"; `verify` says why.
      byOp[op ?? "none"] = (byOp[op ?? "none"] ?? 0) + n;
      byAlg[alg ?? "none"] = (byAlg[alg ?? "none"] ?? 0) + n;
      events += n;
    }
    return {
      chains,
      events,
      byOp,
      byAlg,
      databaseBytes: fileSize(path),
      walBytes: fileSize(`${path}-wal`),
    };
  } finally {
    file.close();
  }
}
