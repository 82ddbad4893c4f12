/**
 * Every stored event in key order (primary, then seq), a page at a time:
 * each page is one short query, so a long read never holds the WAL back.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/** One stored row of the §7 table, as an audit reads it. */
export interface StoredEventRow {
  /** The primary's scheme. */
  readonly primary_scheme: string;
  /** The primary's id. */
  readonly primary_id: string;
  /** The event's seq. */
  readonly seq: number;
  /** The stored canonical line. */
  readonly envelope_json: string;
  /** The stored hash. */
  readonly envelope_hash: string;
}

/** A whole row of `sigchain_events` (spec §7), with its SQLite rowid, as a copy reads it. */
export interface CopiedEventRow extends StoredEventRow {
  /** Its place in the file, which is its place in the log. */
  readonly rowid: number;
  /** The stored `created_at`. */
  readonly created_at: string;
}

/**
 * Reads the events of a database in key order, a page per query.
 *
 * @param db a connection, read-only is enough
 * @param pageRows rows per query
 * @returns the pages, in order; each non-empty
 * @throws {Error} from SQLite when a query fails
 *
 * @example
 * ```ts
 * import { eventPages } from "./event_pages.ts";
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db);
 * if ([...eventPages(db)].length !== 0) throw new Error("an empty table has no pages");
 * db.close();
 * ```
 */
export function* eventPages(db: DatabaseSync, pageRows = 1000): Generator<StoredEventRow[]> {
  const page = db.prepare(
    `SELECT primary_scheme, primary_id, seq, envelope_json, envelope_hash FROM sigchain_events
     WHERE (primary_scheme, primary_id, seq) > (?, ?, ?)
     ORDER BY primary_scheme, primary_id, seq LIMIT ?`,
  );
  let after: [string, string, number] = ["", "", -1];
  for (;;) {
    // all(), not iterate(): Deno's iterate() ends quietly on an error.
    const rows = page.all(...after, pageRows) as unknown as StoredEventRow[];
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageRows) return;
    after = [last.primary_scheme, last.primary_id, last.seq];
  }
}
