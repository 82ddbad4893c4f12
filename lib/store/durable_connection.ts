/**
 * The one setting-up of every connection that writes a KEZ database: the
 * server's, its writer thread's and the witness's.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/**
 * WAL pages after which a commit copies the WAL back into the file (SQLite's
 * default is 1,000). A page that every commit changes (the log's state, the
 * indexes' upper levels) is copied back once per checkpoint, and each
 * checkpoint fsyncs the main file: on a 1,000,000-event file, fresh-chain
 * POSTs ran at 1.16× with 8,000 (7 alternating pairs, each won). The WAL then
 * grows to about 32 MiB between checkpoints; every commit is still fsynced.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 8_000;

/**
 * Sets a connection up to commit durably: the WAL journal, and every commit
 * fsynced before it returns (`synchronous = FULL`), so that a `201` survives a
 * power loss the moment after it (§5). Never `NORMAL`: durability is not
 * traded for speed. Checkpoints come every
 * {@linkcode WAL_AUTOCHECKPOINT_PAGES} pages.
 *
 * @param db an open connection
 * @param busyTimeoutMs how long a write waits for another connection's lock,
 *   in milliseconds
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { makeDurable } from "./durable_connection.ts";
 * const db = new DatabaseSync(":memory:");
 * makeDurable(db, 1000);
 * const { synchronous } = db.prepare("PRAGMA synchronous").get() as { synchronous: number };
 * if (synchronous !== 2) throw new Error("FULL is 2");
 * const { wal_autocheckpoint } = db.prepare("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number };
 * if (wal_autocheckpoint !== 8000) throw new Error("every 8,000 pages");
 * db.close();
 * ```
 */
export function makeDurable(db: DatabaseSync, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}
