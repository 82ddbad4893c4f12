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
 * The schema version this server writes in `PRAGMA user_version`. Version 1
 * is the original table alone; later tables of ours raise it.
 */
export const SCHEMA_VERSION = 1;

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
 * Creates what is missing of the schema and records our schema version.
 *
 * @param db an open database that passed {@linkcode checkSchema}
 */
export function migrate(db: DatabaseSync): void {
  db.exec(ORIGINAL_SCHEMA);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}
