/**
 * The one setting-up of every connection that writes a KEZ database: the
 * server's, its writer thread's and the witness's.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";

/**
 * Sets a connection up to commit durably: the WAL journal, and every commit
 * fsynced before it returns (`synchronous = FULL`), so that a `201` survives a
 * power loss the moment after it (§5). Never `NORMAL`: durability is not
 * traded for speed.
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
 * db.close();
 * ```
 */
export function makeDurable(db: DatabaseSync, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
}
