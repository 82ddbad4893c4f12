/**
 * The SQLite schema: the original server's table (spec §7), unchanged, and the
 * checks that a file is one this server may open.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/**
 * The original server's table and index, byte for byte as spec §7 gives them,
 * so that a database file moves between the two servers unchanged.
 */
export const ORIGINAL_SCHEMA = `CREATE TABLE IF NOT EXISTS sigchain_events (
  primary_scheme TEXT NOT NULL,
  primary_id     TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  envelope_json  TEXT NOT NULL,
  envelope_hash  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (primary_scheme, primary_id, seq)
);
CREATE INDEX IF NOT EXISTS idx_primary ON sigchain_events (primary_scheme, primary_id);`;

/**
 * The transparency log's tables (spec §10), beside the original one and never
 * touching it. Each leaf keeps its own copy of the stored line: the log is a
 * record of what was stored, so a chain row changed or deleted behind the
 * server's back is caught by comparing the two, not silently followed.
 *
 * - `kez_log_entries`: leaf `idx` is the line stored at that index, and the
 *   `sigchain_events` rowid it was stored at (which only grows, so its index
 *   costs one page per commit where one on chain and seq would cost a page
 *   per event); its leaf hash; and `nodes`, the hashes of the subtrees this
 *   leaf completes, levels 1 and up, 32 bytes each. Kept in the leaf's own row
 *   rather than a table of their own, they cost a commit no page of its own:
 *   the subtree of `2^L` leaves at index `i` is completed by leaf
 *   `(i + 1)·2^L − 1`, so each hash is still one read away.
 * - `kez_log_state`: one row: the log's size, the last `sigchain_events` rowid
 *   it holds (rows past it are added in rowid order), and the last signed
 *   checkpoint with its root.
 */
export const LOG_SCHEMA = `CREATE TABLE IF NOT EXISTS kez_log_entries (
  idx         INTEGER PRIMARY KEY,
  event_rowid INTEGER NOT NULL,
  leaf_hash   BLOB NOT NULL,
  nodes       BLOB NOT NULL,
  entry       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kez_log_entries_event ON kez_log_entries (event_rowid);
CREATE TABLE IF NOT EXISTS kez_log_state (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  size             INTEGER NOT NULL,
  last_event_rowid INTEGER NOT NULL,
  root             BLOB NOT NULL,
  checkpoint       TEXT NOT NULL
);`;

/**
 * The schema version this server writes in `PRAGMA user_version`: 1 is the
 * original table alone, 2 adds the transparency log's tables.
 */
export const SCHEMA_VERSION = 2;

/** The columns of `sigchain_events`: name, declared type, NOT NULL, position in the key. */
const COLUMNS: readonly (readonly [string, string, number, number])[] = [
  ["primary_scheme", "TEXT", 1, 1],
  ["primary_id", "TEXT", 1, 2],
  ["seq", "INTEGER", 1, 3],
  ["envelope_json", "TEXT", 1, 0],
  ["envelope_hash", "TEXT", 1, 0],
  ["created_at", "TEXT", 1, 0],
];

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/**
 * Checks, without writing anything, that a database can be used: a SQLite
 * file whose `sigchain_events` table, if present, has the §7 shape and whose
 * schema version is not newer than this server's.
 *
 * @param db an open database
 * @throws {Error} naming what is wrong (a file that is not SQLite fails here too)
 */
export function checkSchema(db: DatabaseSync): void {
  const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
    .user_version;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `its schema version ${version} is newer than this server's ${SCHEMA_VERSION}`,
    );
  }
  const columns = db.prepare("PRAGMA table_info(sigchain_events)").all() as unknown as ColumnInfo[];
  if (columns.length === 0) return;
  const got = columns.map((c) => [c.name, c.type.toUpperCase(), c.notnull, c.pk].join(" "));
  const want = COLUMNS.map((c) => c.join(" "));
  if (got.join(",") !== want.join(",")) {
    throw new Error(
      `table sigchain_events has columns (${
        columns.map((c) => c.name).join(", ")
      }), not the shape of spec §7`,
    );
  }
}

/**
 * Creates what is missing of the schema and records its version, never
 * lowering it: a file that has the log's tables keeps them, and version 2,
 * when opened without the log.
 *
 * @param db an open database that passed {@linkcode checkSchema}
 * @param log whether to create the transparency log's tables
 */
export function migrate(db: DatabaseSync, log = false): void {
  db.exec(ORIGINAL_SCHEMA);
  if (log) db.exec(LOG_SCHEMA);
  const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
    .user_version;
  const wanted = log ? 2 : 1;
  if (version < wanted) db.exec(`PRAGMA user_version = ${wanted}`);
}
