/**
 * A read-only connection to a server's database, for the maintenance
 * commands and the metrics: it never writes, and in WAL mode it reads a
 * consistent snapshot while the server goes on writing.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { checkSchema } from "./schema.ts";

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
 * import { SqliteStore } from "./mod.ts";
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

/**
 * Tells whether a file is in WAL mode with no `-wal` beside it: no connection
 * has it open, and the last one closed cleanly. A read-only connection to
 * such a file creates `-wal` and `-shm` (with the file's mode: 0444 for a
 * read-only file), cannot remove them when it closes, and fails where the
 * directory is not writable. (SQLite's `immutable` open, which would create
 * nothing, needs a URI filename, which Deno's `node:sqlite` takes only under
 * `--allow-all`.) It reads the header through a descriptor of its own: call
 * it only where this process has no SQLite connection to the file, since
 * closing any descriptor of a file drops the process's fcntl locks on it.
 *
 * @param path the database file
 * @returns true when a read-only connection would create `-wal` and `-shm`
 *
 * @example
 * ```ts
 * import { idleWal } from "./read_only.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const missing = idleWal(`${dir}/a.db`);
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const closed = idleWal(`${dir}/a.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (missing || !closed) throw new Error("unexpected");
 * ```
 */
export function idleWal(path: string): boolean {
  const header = new Uint8Array(20);
  try {
    using file = Deno.openSync(path, { read: true });
    let n = 0;
    while (n < header.length) {
      const read = file.readSync(header.subarray(n));
      if (read === null) return false;
      n += read;
    }
  } catch {
    return false;
  }
  // Bytes 18 and 19 of the header, the write and read versions, are 2 in WAL mode.
  if (header[18] !== 2 || header[19] !== 2) return false;
  try {
    Deno.lstatSync(`${path}-wal`);
    return false;
  } catch (e) {
    return e instanceof Deno.errors.NotFound;
  }
}

/**
 * Removes the `-wal` and `-shm` files that read-only connections made beside
 * a file that {@linkcode idleWal} found idle. Only readers used them: the
 * `-wal` is empty, and the `-shm` an index of it. Call it only once every
 * connection of this process to the file is closed, with the file locked
 * against writers (see `lib/runtime/db_lock.ts`).
 *
 * @param path the database file
 *
 * @example
 * ```ts
 * import { idleWal, openReadOnly, removeReaderFiles } from "./read_only.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const idle = idleWal(`${dir}/a.db`);
 * openReadOnly(`${dir}/a.db`).close();
 * if (idle) removeReaderFiles(`${dir}/a.db`);
 * const left = [...Deno.readDirSync(dir)].map((e) => e.name);
 * await Deno.remove(dir, { recursive: true });
 * if (left.join() !== "a.db") throw new Error(`left behind: ${left}`);
 * ```
 */
export function removeReaderFiles(path: string): void {
  for (const file of [`${path}-wal`, `${path}-shm`]) {
    try {
      Deno.removeSync(file);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}
