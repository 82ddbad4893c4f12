/**
 * One consistent read of a whole PostgreSQL database, for `verify`, `stats`
 * and `backup`: a `REPEATABLE READ READ ONLY` transaction, so that every
 * page is read from the same snapshot while servers go on writing, and
 * nothing is written.
 *
 * @module
 */

import type { Sql } from "postgres";
import type { StoredEventRow } from "./event_pages.ts";
import { connectPg, pgFailure } from "./pg_connect.ts";
import { PG_SCHEMA_VERSION } from "./pg_schema.ts";
import { redactUrl } from "./pg_url.ts";
import {
  LOG_PAGE_ROWS,
  type LogAudit,
  type LogLeafRow,
  type LogProblem,
  LogReplay,
  type LogStateRow,
} from "./verify_log.ts";

/** Events per query: a few MiB. */
const EVENT_PAGE_ROWS = 2000;

/** A leaf of the log with the whole row of the event it names (null columns when none is stored). */
export interface PgLeafRow extends LogLeafRow {
  /** The event's primary scheme, as the leaf names it. */
  readonly primary_scheme: string;
  /** The event's primary id, as the leaf names it. */
  readonly primary_id: string;
  /** The event's seq, as the leaf names it. */
  readonly seq: number;
  /** The stored event's hash. */
  readonly envelope_hash: string | null;
  /** The stored event's `created_at`. */
  readonly created_at: string | null;
}

/**
 * A database as one snapshot reads it. Made only by {@linkcode readPgSnapshot}.
 *
 * @example
 * ```ts ignore
 * import { readPgSnapshot } from "./pg_snapshot.ts";
 * const size = await readPgSnapshot("postgres://kez@127.0.0.1/kez", async (s) => (await s.logState())?.size);
 * ```
 */
export class PgSnapshot {
  /** The snapshot's transaction, for the store's own queries. */
  readonly tx: Sql;

  readonly #hasLog: boolean;

  /**
   * @param tx a `REPEATABLE READ READ ONLY` transaction
   * @param hasLog whether the database has the log's tables
   */
  constructor(tx: Sql, hasLog: boolean) {
    this.tx = tx;
    this.#hasLog = hasLog;
  }

  /**
   * The events in key order (primary, then seq), a page per query: keyset
   * pagination on the table's primary key.
   *
   * @param pageRows rows per query
   * @returns the pages, in order; each non-empty
   */
  async *eventPages(pageRows: number = EVENT_PAGE_ROWS): AsyncGenerator<StoredEventRow[]> {
    let after: [string, string, number] = ["", "", -1];
    for (;;) {
      const rows = await this.tx<StoredEventRow[]>`
        SELECT primary_scheme, primary_id, seq, envelope_json, envelope_hash FROM sigchain_events
        WHERE (primary_scheme, primary_id, seq) > (${after[0]}, ${after[1]}, ${after[2]})
        ORDER BY primary_scheme, primary_id, seq LIMIT ${pageRows}`;
      if (rows.length > 0) yield rows;
      const last = rows.at(-1);
      if (last === undefined || rows.length < pageRows) return;
      after = [last.primary_scheme, last.primary_id, last.seq];
    }
  }

  /**
   * The number of stored events.
   *
   * @returns the count
   */
  async eventCount(): Promise<number> {
    const [row] = await this.tx<{ n: number }[]>`SELECT count(*) AS n FROM sigchain_events`;
    return row!.n;
  }

  /**
   * The log's state row.
   *
   * @returns the row, or null when the database has none (no server opened it)
   */
  async logState(): Promise<LogStateRow | null> {
    if (!this.#hasLog) return null;
    const [state] = await this.tx<LogStateRow[]>`
      SELECT size, root, checkpoint FROM kez_log_state WHERE id = 1`;
    return state ?? null;
  }

  /**
   * A page of the log's leaves from `start`, below `end`, in index order,
   * each beside the event row it names. The page is bounded by its `LIMIT`
   * alone, and each event looked up by its key: a range on `idx`, or a plain
   * join, lets the planner (whose statistics lag a bulk copy) read and sort
   * the rest of the log, or hash the whole table, for every page.
   *
   * @param start the first index wanted
   * @param end the log's size
   * @returns up to a page of leaves; the first is `start` unless it is missing
   */
  logPage(start: number, end: number): Promise<PgLeafRow[]> {
    return this.tx<PgLeafRow[]>`
      SELECT l.idx, l.primary_scheme, l.primary_id, l.seq, l.leaf_hash, l.nodes, l.entry,
             e.envelope_json AS line, e.envelope_hash, e.created_at
      FROM (SELECT * FROM kez_log_entries WHERE idx >= ${start}
            ORDER BY idx LIMIT ${Math.max(0, Math.min(LOG_PAGE_ROWS, end - start))}) AS l
      LEFT JOIN LATERAL (
        SELECT envelope_json, envelope_hash, created_at FROM sigchain_events
        WHERE primary_scheme = l.primary_scheme AND primary_id = l.primary_id AND seq = l.seq
      ) AS e ON true
      ORDER BY l.idx`;
  }

  /**
   * Replays the log, as `verifyLog` does a SQLite file's.
   *
   * @param onProblem called with each problem as it is found
   * @returns the counts, or null when the database has no log
   */
  async verifyLog(onProblem: (p: LogProblem) => void): Promise<LogAudit | null> {
    if (!this.#hasLog) return null;
    const state = await this.logState();
    if (state === null) return { size: 0, problems: 0 };
    const replay = new LogReplay(state, onProblem);
    for (let next = replay.next; next !== null; next = replay.next) {
      replay.add(await this.logPage(next, state.size));
    }
    return replay.finish();
  }
}

/**
 * Reads a database in one `REPEATABLE READ READ ONLY` transaction on one
 * connection, after checking that it holds this server's schema.
 *
 * @param url the database
 * @param read what to read; its pages all come from one snapshot
 * @returns what `read` returned
 * @throws {Error} naming the database (without its password) when it
 *   cannot be reached, holds no sigchain table or a newer schema, or a
 *   query fails; whatever `read` throws
 *
 * @example
 * ```ts ignore
 * import { readPgSnapshot } from "./pg_snapshot.ts";
 * const events = await readPgSnapshot("postgres://kez@127.0.0.1/kez", (s) => s.eventCount());
 * ```
 */
export async function readPgSnapshot<T>(
  url: string,
  read: (snapshot: PgSnapshot) => Promise<T>,
): Promise<T> {
  const sql = connectPg(url);
  try {
    return await sql.begin("isolation level repeatable read read only", async (tx) => {
      const [tables] = await tx<{ events: boolean; version: boolean; log: boolean }[]>`
        SELECT to_regclass('sigchain_events') IS NOT NULL AS events,
               to_regclass('kez_schema_version') IS NOT NULL AS version,
               to_regclass('kez_log_state') IS NOT NULL AS log`;
      if (!tables!.events) {
        throw new Error(`Cannot use database "${redactUrl(url)}": it has no sigchain_events table`);
      }
      const [row] = tables!.version
        ? await tx<{ version: number }[]>`SELECT version FROM kez_schema_version`
        : [];
      if (row !== undefined && row.version > PG_SCHEMA_VERSION) {
        throw new Error(
          `Cannot use database "${
            redactUrl(url)
          }": its schema version ${row.version} is newer than this server's ${PG_SCHEMA_VERSION}`,
        );
      }
      return await read(new PgSnapshot(tx as unknown as Sql, tables!.log));
    }) as T;
  } catch (e) {
    throw pgFailure(url, e);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
