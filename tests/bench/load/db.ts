/**
 * The server's table written directly, for seeding: the exact schema of spec
 * §7 and bulk inserts of built events. The schema is copied from the spec,
 * not imported from `lib/store`: a file seeded here is one the original
 * server could have made, which the server's own schema checks then meet as
 * they would a real one.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import type { BuiltEvent } from "./events.ts";

/** Spec §7, verbatim but for the comments. */
export const SCHEMA_SQL = `CREATE TABLE sigchain_events (
  primary_scheme TEXT NOT NULL,
  primary_id     TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  envelope_json  TEXT NOT NULL,
  envelope_hash  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (primary_scheme, primary_id, seq)
);
CREATE INDEX idx_primary ON sigchain_events (primary_scheme, primary_id);`;

/** The insert of one row, in column order. */
export const INSERT_SQL = `INSERT INTO sigchain_events
  (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`;

/**
 * Inserts events in one transaction, in the order given. The caller chooses
 * durability with its pragmas; `created_at` is the insert time, as the server
 * writes it.
 *
 * @param db an open database with the §7 table
 * @param events the rows; a chain's events must come in seq order, as the server stores them
 * @returns how many rows were inserted
 */
export function insertEvents(db: DatabaseSync, events: Iterable<BuiltEvent>): number {
  const insert = db.prepare(INSERT_SQL);
  const now = new Date().toISOString();
  let rows = 0;
  db.exec("BEGIN");
  try {
    for (const e of events) {
      insert.run(e.scheme, e.id, e.seq, e.line, e.hash, now);
      rows++;
    }
    db.exec("COMMIT");
  } catch (e) {
    db.exec("ROLLBACK");
    throw e;
  }
  return rows;
}

/**
 * Creates a database file as the server keeps it (WAL) holding `events`.
 *
 * @param path the new file
 * @param events rows to insert, each chain in seq order
 */
export function createDatabase(path: string, events: Iterable<BuiltEvent>): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(SCHEMA_SQL);
    insertEvents(db, events);
  } finally {
    db.close();
  }
}
