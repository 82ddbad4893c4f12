/**
 * The PostgreSQL schema: spec §7's table and index with the same columns,
 * the transparency log's tables, and the migration that every server runs
 * at start, once for all of them.
 *
 * @module
 */

import type { Sql } from "postgres";

/**
 * Spec §7's table and index in PostgreSQL's types: the same columns, with
 * `UNIQUE(primary_scheme, primary_id, seq)` as its primary key, the backstop
 * behind the head lock of every commit.
 */
export const PG_EVENTS_SCHEMA = `CREATE TABLE IF NOT EXISTS sigchain_events (
  primary_scheme TEXT NOT NULL,
  primary_id     TEXT NOT NULL,
  seq            BIGINT NOT NULL,
  envelope_json  TEXT NOT NULL,
  envelope_hash  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (primary_scheme, primary_id, seq)
);
CREATE INDEX IF NOT EXISTS idx_primary ON sigchain_events (primary_scheme, primary_id);`;

/**
 * The log's tables, as SQLite's (see `LOG_SCHEMA`) but for PostgreSQL having
 * no rowid: a leaf names its event by chain and seq.
 *
 * - `kez_log_entries`: leaf `idx`, its event, its leaf hash, the hashes of the
 *   subtrees it completes (levels 1 and up, 32 bytes each) and its own copy of
 *   the stored line.
 * - `kez_log_state`: one row, the log's size, root and last signed
 *   checkpoint: every commit locks it `FOR UPDATE`, which makes the log's
 *   indices dense in commit order across every server on the database.
 */
export const PG_LOG_SCHEMA = `CREATE TABLE IF NOT EXISTS kez_log_entries (
  idx            BIGINT PRIMARY KEY,
  primary_scheme TEXT NOT NULL,
  primary_id     TEXT NOT NULL,
  seq            BIGINT NOT NULL,
  leaf_hash      BYTEA NOT NULL,
  nodes          BYTEA NOT NULL,
  entry          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kez_log_entries_event ON kez_log_entries (primary_scheme, primary_id, seq);
CREATE TABLE IF NOT EXISTS kez_log_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  size       BIGINT NOT NULL,
  root       BYTEA NOT NULL,
  checkpoint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kez_schema_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);`;

/** The schema version this server writes in `kez_schema_version`. */
export const PG_SCHEMA_VERSION = 1;

/** The advisory lock the migration holds: `hashtext('kez-sig-server migrate')`, fixed. */
const MIGRATION_LOCK = 0x6b657a31;

/**
 * Creates what is missing of the schema, inside one transaction holding an
 * advisory lock, so that servers starting together migrate once and each
 * sees the tables whole; then, still under the lock, `init` may insert the
 * rows a fresh database needs.
 *
 * @param sql the pool
 * @param init run in the migration's transaction after the tables exist
 * @throws {Error} when the database's schema is newer than this server's,
 *   or PostgreSQL fails
 *
 * @example
 * ```ts ignore
 * import postgres from "postgres";
 * import { migratePg } from "./pg_schema.ts";
 * const sql = postgres("postgres://kez@127.0.0.1:5432/kez");
 * await migratePg(sql, async () => {});
 * await sql.end();
 * ```
 */
export async function migratePg(
  sql: Sql,
  init: (tx: Sql) => Promise<void>,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx.unsafe(PG_EVENTS_SCHEMA + "\n" + PG_LOG_SCHEMA);
    const [row] = await tx<{ version: number }[]>`
      SELECT version FROM kez_schema_version WHERE id = 1`;
    if (row !== undefined && row.version > PG_SCHEMA_VERSION) {
      throw new Error(
        `its schema version ${row.version} is newer than this server's ${PG_SCHEMA_VERSION}`,
      );
    }
    if (row === undefined) {
      await tx`INSERT INTO kez_schema_version (id, version) VALUES (1, ${PG_SCHEMA_VERSION})`;
    }
    await init(tx as unknown as Sql);
  });
}
