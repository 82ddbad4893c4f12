/**
 * Leaving a closed SQLite database in rollback-journal mode, which the next
 * start switches back to WAL.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";

/**
 * Leaves a closed database in rollback-journal mode. At rest in WAL mode a
 * file cannot be read where its `-wal` and `-shm` cannot be made (a directory
 * the reader cannot write), and a reader that can make them leaves them
 * behind; in rollback mode any reader reads it alone. It fails, harmlessly,
 * while another process has the file open.
 *
 * @param path the database file, closed by this process
 * @returns null when the file is in rollback mode now, else why it is not
 *
 * @example
 * ```ts
 * import { restInRollbackMode } from "./rest_mode.ts";
 * import { SqliteStore } from "./sqlite_store.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const why = restInRollbackMode(`${dir}/a.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (why !== null) throw new Error(why);
 * ```
 */
export function restInRollbackMode(path: string): string | null {
  try {
    const db = new DatabaseSync(path);
    try {
      db.exec("PRAGMA busy_timeout = 100");
      db.exec("PRAGMA journal_mode = DELETE");
    } finally {
      db.close();
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
