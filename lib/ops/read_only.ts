/**
 * A read-only connection to a server's database, for the maintenance
 * commands and the metrics: it never writes, and in WAL mode it reads a
 * consistent snapshot while the server goes on writing.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { checkSchema } from "../store/mod.ts";

/**
 * Opens a database read-only and checks that it holds a sigchain table of
 * the shape of spec §7.
 *
 * @param path the database file
 * @returns the connection; close it when done
 * @throws {Error} when the file is missing, is not SQLite, or has no sigchain table of that shape
 *
 * @example
 * ```ts
 * import { openReadOnly } from "./read_only.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const db = openReadOnly(`${dir}/a.db`);
 * db.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function openReadOnly(path: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (e) {
    throw new Error(`Cannot open database "${path}": ${(e as Error).message}`, { cause: e });
  }
  try {
    // Readers wait only while another connection recovers the WAL; a few seconds is ample.
    db.exec("PRAGMA busy_timeout = 5000");
    checkSchema(db);
    const table = db.prepare(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sigchain_events'",
    ).get();
    if (table === undefined) throw new Error("it has no sigchain_events table");
    return db;
  } catch (e) {
    db.close();
    throw new Error(`Cannot use database "${path}": ${(e as Error).message}`, { cause: e });
  }
}
