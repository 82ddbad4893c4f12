/**
 * The lock on a database file that keeps one server per file: an advisory
 * flock on the file itself, exclusive for the server for its whole life,
 * shared for a maintenance command reading a file no server has open. The
 * kernel releases it on any exit, SIGKILL included, so a crash never leaves a
 * stale lock. On Linux, flock and SQLite's own fcntl locks do not interfere.
 * The server also writes its pid beside the file, `<db>-server.pid`, only so
 * that a refused second server can name it: the lock is the flock alone, and
 * a file left by a crash is overwritten by the next holder.
 *
 * @module
 */

import { basename, dirname } from "node:path";

/**
 * A held lock on a database file. Release it only once every SQLite
 * connection of this process to the file is closed: closing a descriptor of
 * a file drops every fcntl lock the process holds on it, SQLite's included.
 */
export class DatabaseLock implements Disposable {
  #file: Deno.FsFile | null;
  #pidFile: string | null;

  /**
   * @param file the open file, already locked
   * @param pidFile the file naming this process, to remove first, if any
   */
  constructor(file: Deno.FsFile, pidFile: string | null = null) {
    this.#file = file;
    this.#pidFile = pidFile;
  }

  /** Releases the lock (by closing the file); a second call does nothing. */
  release(): void {
    // Before the lock goes: once it has, the pid file may be the next holder's.
    if (this.#pidFile !== null) {
      try {
        Deno.removeSync(this.#pidFile);
      } catch {
        // Someone removed it: it only ever served messages.
      }
      this.#pidFile = null;
    }
    this.#file?.close();
    this.#file = null;
  }

  /** Releases the lock. */
  [Symbol.dispose](): void {
    this.release();
  }
}

function cannot(path: string, why: string): Error {
  return new Error(`Cannot open database "${path}": ${why}`);
}

/**
 * Takes a database file for a server: checks that its directory exists and
 * that the file and the directory (where SQLite keeps `-wal` and `-shm`) can
 * be written, creating an empty file if there is none (SQLite takes an empty
 * file for a new database), and locks it exclusively.
 *
 * @param path the database file
 * @returns the lock, to hold while serving
 * @throws {Error} in one line: the directory is missing, the file or the
 *   directory is not writable, or another process holds the file (a server,
 *   named by its pid, or a maintenance command reading it)
 *
 * @example
 * ```ts
 * import { claimDatabase } from "./db_lock.ts";
 * const dir = await Deno.makeTempDir();
 * using lock = claimDatabase(`${dir}/a.db`);
 * let refused = false;
 * try {
 *   claimDatabase(`${dir}/a.db`);
 * } catch {
 *   refused = true;
 * }
 * lock.release();
 * await Deno.remove(dir, { recursive: true });
 * if (!refused) throw new Error("one file, one holder");
 * ```
 */
export function claimDatabase(path: string): DatabaseLock {
  const dir = dirname(path);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw cannot(path, `directory "${dir}" does not exist`);
    throw cannot(path, (e as Error).message);
  }
  if (!info.isDirectory) throw cannot(path, `"${dir}" is not a directory`);
  const existed = exists(path);
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true, create: true });
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) {
      throw cannot(
        path,
        existed
          ? "the file is not writable by the user the server runs as (stats, verify and backup only read it)"
          : `directory "${dir}" is not writable by the user the server runs as`,
      );
    }
    throw cannot(path, (e as Error).message);
  }
  try {
    if (!file.tryLockSync(true)) throw cannot(path, heldBy(file, path));
    if (existed) checkDirWritable(path, dir);
    return new DatabaseLock(file, writePid(path));
  } catch (e) {
    file.close();
    throw e;
  }
}

/**
 * Takes a shared lock on a database file for a command that only reads it,
 * if no server holds it: while held, no server can start on the file.
 *
 * @param path the database file
 * @returns the lock, or null when a server (or another exclusive holder) has the file
 * @throws {Deno.errors.NotFound} when the file does not exist, and other errors opening it
 *
 * @example
 * ```ts
 * import { claimDatabase, shareDatabase } from "./db_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const server = claimDatabase(`${dir}/a.db`);
 * const whileServed = shareDatabase(`${dir}/a.db`);
 * server.release();
 * const reader = shareDatabase(`${dir}/a.db`);
 * reader?.release();
 * await Deno.remove(dir, { recursive: true });
 * if (whileServed !== null || reader === null) throw new Error("unexpected");
 * ```
 */
export function shareDatabase(path: string): DatabaseLock | null {
  const file = Deno.openSync(path, { read: true });
  try {
    if (file.tryLockSync(false)) return new DatabaseLock(file);
  } catch (e) {
    file.close();
    throw e;
  }
  file.close();
  return null;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The file beside a database that names the server holding it. */
function pidPath(path: string): string {
  return `${path}-server.pid`;
}

function writePid(path: string): string | null {
  try {
    Deno.writeTextFileSync(pidPath(path), `${Deno.pid} ${new Date().toISOString()}\n`);
    return pidPath(path);
  } catch {
    // Only a refused second server's message is the poorer for it.
    return null;
  }
}

/**
 * The message for a file someone else has locked: who, and what to do. A
 * shared lock still to be had means readers hold it, not a server.
 */
function heldBy(file: Deno.FsFile, path: string): string {
  if (file.tryLockSync(false)) {
    file.unlockSync();
    return "a maintenance command (stats, verify or backup) is reading it; start the server once that ends";
  }
  let who = "another process";
  try {
    const [pid, since] = Deno.readTextFileSync(pidPath(path)).trim().split(" ");
    if (/^\d+$/.test(pid ?? "")) who = `pid ${pid}${since ? ` (started ${since})` : ""}`;
  } catch {
    // No pid file: a server of an older version, or another program.
  }
  return `${who} is serving it; one database file has one server: stop that one first, or give this one another --db`;
}

/** SQLite creates `-wal` and `-shm` beside the file: a directory it cannot write fails later, less clearly. */
function checkDirWritable(path: string, dir: string): void {
  let probe: string;
  try {
    probe = Deno.makeTempFileSync({ dir, prefix: `.${basename(path)}.probe-` });
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) {
      throw cannot(
        path,
        `directory "${dir}" is not writable by the user the server runs as, and SQLite keeps the -wal and -shm files there`,
      );
    }
    throw cannot(path, (e as Error).message);
  }
  Deno.removeSync(probe);
}
