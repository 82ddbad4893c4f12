/**
 * A database opened by a maintenance command (`stats`, `verify`, `backup`)
 * in a process of its own: read-only, and leaving nothing behind, whether a
 * server has the file open or not, and whether the file and its directory
 * are writable or not.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { type DatabaseLock, shareDatabase } from "../runtime/db_lock.ts";
import { idleWal, openReadOnly, removeReaderFiles } from "./read_only.ts";

/** A read-only connection and, when no server has the file, the shared lock that keeps one from starting. */
export class ReadOnlyFile implements Disposable {
  /** The connection. */
  readonly db: DatabaseSync;
  readonly #path: string;
  readonly #lock: DatabaseLock | null;
  readonly #tidy: boolean;

  /**
   * @param path the database file
   * @param db the connection
   * @param lock the shared lock held while it is open, if any
   * @param tidy whether to remove the `-wal` and `-shm` the connection made
   */
  constructor(path: string, db: DatabaseSync, lock: DatabaseLock | null, tidy: boolean) {
    this.#path = path;
    this.db = db;
    this.#lock = lock;
    this.#tidy = tidy;
  }

  /**
   * Closes the connection, removes what it made, then releases the lock: in
   * that order, so that no server starts on files being removed, and
   * SQLite's own locks are its own to drop.
   */
  close(): void {
    try {
      this.db.close();
      if (this.#tidy) removeReaderFiles(this.#path);
    } finally {
      this.#lock?.release();
    }
  }

  /** Closes it. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens a database for a command that only reads it. While a server runs,
 * the file has its `-wal` and `-shm`, which a read-only connection shares,
 * creating nothing. With no server, a shared lock keeps one from starting
 * while the command reads; a file in WAL mode without a `-wal` then gets a
 * `-wal` and a `-shm` from SQLite, which a read-only connection cannot do
 * without, and they are removed when it closes. Use it only in a process
 * with no other connection to the file, and with no other program writing
 * it meanwhile.
 *
 * @param path the database file
 * @returns the open file; close it when done
 * @throws {Error} when the file is missing, is not SQLite, has no sigchain
 *   table of spec §7's shape, or (in WAL mode, with no server) sits in a
 *   directory where its `-wal` and `-shm` cannot be made
 *
 * @example
 * ```ts
 * import { openReadOnlyFile } from "./read_only_file.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const file = openReadOnlyFile(`${dir}/a.db`);
 * file.db.prepare("SELECT COUNT(*) FROM sigchain_events").get();
 * file.close();
 * const left = [...Deno.readDirSync(dir)].map((e) => e.name);
 * await Deno.remove(dir, { recursive: true });
 * if (left.join() !== "a.db") throw new Error(`left behind: ${left}`);
 * ```
 */
export function openReadOnlyFile(path: string): ReadOnlyFile {
  let lock: DatabaseLock | null;
  try {
    lock = shareDatabase(path);
  } catch (e) {
    throw new Error(`Cannot open database "${path}": ${(e as Error).message}`, { cause: e });
  }
  // Only with no server: a server's -wal and -shm are its own.
  const tidy = lock !== null && idleWal(path);
  try {
    return new ReadOnlyFile(path, openReadOnly(path), lock, tidy);
  } catch (e) {
    try {
      if (tidy) removeReaderFiles(path);
    } finally {
      lock?.release();
    }
    if (tidy && /readonly database|unable to open/.test((e as Error).message)) {
      throw new Error(
        `Cannot open database "${path}": it is in WAL mode with no -wal file, and SQLite cannot make the -wal and -shm files it needs to read it in "${
          dirname(path)
        }"; run this as the user that owns the directory, or on a copy`,
        { cause: e },
      );
    }
    throw e;
  }
}
