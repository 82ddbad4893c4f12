/**
 * Copying a SQLite database into an empty PostgreSQL one: its chains and its
 * transparency log, leaf for leaf and with its last signed checkpoint, so
 * that servers on PostgreSQL, under the same log key, go on with the same
 * log. Then the copy is checked: its log is replayed as `verify` replays one,
 * and must give the SQLite log's root.
 *
 * @module
 */

import { toHex } from "../protocol/mod.ts";
import { connectPg } from "./pg_connect.ts";
import { migratePg } from "./pg_schema.ts";
import { readPgSnapshot } from "./pg_snapshot.ts";
import type { LogProblem } from "./verify_log.ts";
import { translatePg } from "./pg_errors.ts";
import { openReadOnlyFile } from "./read_only_file.ts";
import type { CopiedEventRow } from "./event_pages.ts";

/** What a migration copied and checked. */
export interface MigrationReport {
  /** Events copied. */
  readonly events: number;
  /** The log's size: one leaf per event. */
  readonly size: number;
  /** The log's root, in hex, as both databases now give it. */
  readonly root: string;
}

/** Rows per query and per insert: a few MiB. */
const CHUNK = 2000;

interface LeafRow {
  idx: number;
  primary_scheme: string;
  primary_id: string;
  seq: number;
  leaf_hash: Uint8Array;
  nodes: Uint8Array;
  entry: string;
}

/**
 * Copies a SQLite database (one read snapshot) into an empty PostgreSQL
 * database in one transaction, then checks the copy.
 *
 * @param from the SQLite file; no server need be stopped, the copy is of one snapshot
 * @param to the PostgreSQL URL of a database without events
 * @param onProgress told the events copied so far, of how many
 * @returns what was copied and the log root both give
 * @throws {Error} when the file has no complete transparency log (start a
 *   server on it once to build it), the PostgreSQL database holds events
 *   already, or the copy does not check
 *
 * @example
 * ```ts ignore
 * import { migrateToPostgres } from "./pg_migrate.ts";
 * const report = await migrateToPostgres("kez.db", "postgres://kez@127.0.0.1/kez");
 * console.log(report.events, report.root);
 * ```
 */
export async function migrateToPostgres(
  from: string,
  to: string,
  onProgress?: (done: number, total: number) => void,
): Promise<MigrationReport> {
  const sql = connectPg(to);
  try {
    using file = openReadOnlyFile(from);
    const db = file.db;
    db.exec("BEGIN");
    const hasLog = db.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'kez_log_state'",
    ).get() as { n: number };
    const state = hasLog.n === 0 ? undefined : db.prepare(
      "SELECT size, last_event_rowid, root, checkpoint FROM kez_log_state WHERE id = 1",
    ).get() as
      | { size: number; last_event_rowid: number; root: Uint8Array; checkpoint: string }
      | undefined;
    const { n: events } = db.prepare("SELECT count(*) AS n FROM sigchain_events").get() as {
      n: number;
    };
    if (state === undefined || state.size !== events) {
      throw new Error(
        `Cannot migrate "${from}": its transparency log holds ${
          state?.size ?? 0
        } of its ${events} events; start a server on it once, which builds the log, then migrate`,
      );
    }
    await migratePg(sql, async (tx) => {
      const [held] = await tx<{ n: number }[]>`
        SELECT (SELECT count(*) FROM sigchain_events)::int + (SELECT count(*) FROM kez_log_entries)::int AS n`;
      if ((held?.n ?? 0) !== 0) {
        throw new Error("Cannot migrate into a PostgreSQL database that holds events already");
      }
      await tx`DELETE FROM kez_log_state`;
      const eventPage = db.prepare(
        `SELECT rowid, primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at
         FROM sigchain_events WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK}`,
      );
      let done = 0;
      for (let after = 0;;) {
        const rows = eventPage.all(after) as unknown as CopiedEventRow[];
        if (rows.length === 0) break;
        await tx`
          INSERT INTO sigchain_events
            (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
          SELECT * FROM unnest(${rows.map((r) => r.primary_scheme)}::text[],
            ${rows.map((r) => r.primary_id)}::text[], ${rows.map((r) => r.seq)}::bigint[],
            ${rows.map((r) => r.envelope_json)}::text[], ${
          rows.map((r) => r.envelope_hash)
        }::text[],
            ${rows.map((r) => r.created_at)}::text[])`;
        after = rows.at(-1)!.rowid;
        done += rows.length;
        onProgress?.(done, events);
      }
      const leafPage = db.prepare(
        `SELECT l.idx, e.primary_scheme, e.primary_id, e.seq, l.leaf_hash, l.nodes, l.entry
         FROM kez_log_entries AS l JOIN sigchain_events AS e ON e.rowid = l.event_rowid
         WHERE l.idx >= ? ORDER BY l.idx LIMIT ${CHUNK}`,
      );
      for (let start = 0; start < state.size; start += CHUNK) {
        const rows = leafPage.all(start) as unknown as LeafRow[];
        if (rows.length === 0 || rows[0]!.idx !== start) {
          throw new Error(`Cannot migrate "${from}": its log lacks leaf ${start}`);
        }
        await tx`
          INSERT INTO kez_log_entries (idx, primary_scheme, primary_id, seq, leaf_hash, nodes, entry)
          SELECT x, s, i, q, decode(l, 'hex'), decode(n, 'hex'), j
          FROM unnest(${rows.map((r) => r.idx)}::bigint[], ${
          rows.map((r) => r.primary_scheme)
        }::text[],
            ${rows.map((r) => r.primary_id)}::text[], ${rows.map((r) => r.seq)}::bigint[],
            ${rows.map((r) => toHex(r.leaf_hash))}::text[], ${
          rows.map((r) => toHex(r.nodes))
        }::text[],
            ${rows.map((r) => r.entry)}::text[]) AS r(x, s, i, q, l, n, j)`;
      }
      await tx`INSERT INTO kez_log_state (id, size, root, checkpoint)
               VALUES (1, ${state.size}, ${state.root}, ${state.checkpoint})`;
    });
    db.exec("COMMIT");
    await checkCopy(to, state.size);
    return { events, size: state.size, root: toHex(state.root) };
  } catch (e) {
    throw translatePg(e);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Replays the copied log as `verify` does, from a snapshot of its own: each
 * leaf's hash from its entry, each entry its event's line, each stored
 * subtree hash, and the root from the leaves the stored root, which is the
 * SQLite log's.
 */
async function checkCopy(to: string, size: number): Promise<void> {
  const problems: LogProblem[] = [];
  const audit = await readPgSnapshot(to, (snapshot) => snapshot.verifyLog((p) => problems.push(p)));
  if (audit === null || audit.size !== size || problems.length > 0) {
    const why = problems[0] === undefined ? "" : ` (${problems[0].message})`;
    throw new Error(`Cannot migrate: the copy's log does not give the SQLite log's root${why}`);
  }
}
