/**
 * Online backups: a consistent copy of a live database, checked before it
 * takes its name, with its log's key beside it. The steps around the copy
 * are {@linkcode writeBackup}'s, for SQLite's page copy here and for the
 * copy of a PostgreSQL database (`pg_backup.ts`) alike.
 *
 * @module
 */

import { backup, DatabaseSync } from "node:sqlite";
import { createLogKey, defaultLogKeyPath, readLogKey } from "./log_key.ts";
import { openReadOnly } from "./read_only.ts";
import { openReadOnlyFile } from "./read_only_file.ts";

/** What a backup wrote. */
export interface BackupReport {
  /** The events in the copy. */
  readonly events: number;
  /** The copy's size in bytes. */
  readonly bytes: number;
  /** The copy of the log's key file, beside the backup (mode 0600), or null when none was written. */
  readonly keyCopy: string | null;
  /**
   * The key file that does not exist though the copy has a transparency log,
   * or null. Such a backup cannot be restored under the log's key.
   */
  readonly keyMissing: string | null;
}

/** Options of {@linkcode backupDatabase}. */
export interface BackupOptions {
  /**
   * The log's key file, copied to `<target>-log.key`; the server's
   * `--log-key`, by default the database's `<db>-log.key`; null for none.
   */
  readonly keyFile?: string | null;
}

interface LastRow {
  primary_scheme: string;
  primary_id: string;
  seq: number;
  envelope_hash: string;
}

function count(db: DatabaseSync): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM sigchain_events").get() as { n: number }).n;
}

function fileExists(path: string): Error {
  return new Error(`Cannot back up database: "${path}" exists`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** What a backup's writer made of the file it was given. */
export interface WrittenCopy {
  /** The events in the copy. */
  readonly events: number;
  /** Whether the copy has a transparency log, whose key must go with it. */
  readonly logged: boolean;
}

/**
 * The steps every backup takes around the copy itself: the target and its
 * key file refused if either exists, the key read before anything is written,
 * the copy made by `write` under a temporary name beside the target (and
 * checked by it), fsynced, and only then given the target's name, which is
 * never overwritten; then the key copied beside it as `<target>-log.key`,
 * mode 0600, since the log's checkpoints are signed with it and clients that
 * pinned it alarm at any other. Whatever happens, the temporary file goes.
 *
 * @param target the backup file; it must not exist, nor its key file
 * @param keyFile the log's key file, or null for none
 * @param write writes and checks a complete single-file SQLite database at
 *   the path given, and may read the key's seed (null when there is none)
 * @returns what was written, and whether the key was
 * @throws {Error} when the target or its key file exists, the key file
 *   cannot be used, `write` fails, or the key cannot be written beside the copy
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { writeBackup } from "./backup.ts";
 * import { migrate } from "./schema.ts";
 * const dir = await Deno.makeTempDir();
 * const report = await writeBackup(`${dir}/copy.db`, null, (path) => {
 *   const db = new DatabaseSync(path);
 *   migrate(db);
 *   db.close();
 *   return Promise.resolve({ events: 0, logged: false });
 * });
 * await Deno.remove(dir, { recursive: true });
 * if (report.bytes === 0 || report.keyCopy !== null) throw new Error("an empty copy, no key");
 * ```
 */
export async function writeBackup(
  target: string,
  keyFile: string | null,
  write: (path: string, seed: Uint8Array | null) => Promise<WrittenCopy>,
): Promise<BackupReport> {
  const keyTarget = defaultLogKeyPath(target)!;
  if (await exists(target)) throw fileExists(target);
  if (keyFile !== null && await exists(keyTarget)) throw fileExists(keyTarget);
  // Read first: a key that cannot be used stops the backup before anything is written.
  const seed = keyFile === null ? null : await readLogKey(keyFile);
  const partial = `${target}.partial-${crypto.randomUUID().slice(0, 8)}`;
  let written: WrittenCopy & { bytes: number };
  try {
    written = { ...await write(partial, seed), bytes: Deno.statSync(partial).size };
    // Whatever the copy's connection synced, a backup must be on disk before it is named.
    using copy = await Deno.open(partial);
    await copy.sync();
    await publish(partial, target);
  } finally {
    for (const path of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) {
      await Deno.remove(path).catch(() => {});
    }
  }
  const { events, bytes, logged } = written;
  if (seed === null) {
    return { events, bytes, keyCopy: null, keyMissing: logged ? keyFile : null };
  }
  try {
    await createLogKey(keyTarget, seed);
  } catch (e) {
    throw new Error(
      `${(e as Error).message}; the database copy ${target} is written and checked, its key is not`,
      { cause: e },
    );
  }
  return { events, bytes, keyCopy: keyTarget, keyMissing: null };
}

/**
 * Copies a SQLite database, which a server may be writing, to a new file, in
 * the steps of {@linkcode writeBackup}. The copy is SQLite's online backup
 * from a read-only connection, all pages in one step: one read snapshot, so
 * it is consistent. (`VACUUM INTO` would need `ATTACH`, which Deno's
 * `node:sqlite` refuses without `--allow-all`.) It is switched to the
 * rollback journal so that it is a single file, and checked: integrity,
 * schema, its event count between the counts before and after, its last
 * event present in the source with the same hash.
 *
 * @param source the database
 * @param target the backup file; it must not exist, nor its key file
 * @param options the key file to copy
 * @returns what was written, and whether the key was
 * @throws {Error} when the target or its key file exists, the source or the
 *   key file cannot be used, the copy fails its checks, or the key cannot be
 *   written beside the copy
 *
 * @example
 * ```ts
 * import { backupDatabase } from "./backup.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const report = await backupDatabase(`${dir}/a.db`, `${dir}/backup.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (report.events !== 0 || report.keyCopy !== null) throw new Error("an empty database, no log");
 * ```
 */
export function backupDatabase(
  source: string,
  target: string,
  options: BackupOptions = {},
): Promise<BackupReport> {
  const keyFile = options.keyFile === undefined ? defaultLogKeyPath(source) : options.keyFile;
  return writeBackup(target, keyFile, async (partial) => {
    using file = openReadOnlyFile(source);
    const db = file.db;
    const before = count(db);
    try {
      // A negative rate copies every page in one step, under one read snapshot.
      await backup(db, partial, { rate: -1 });
      singleFile(partial);
    } catch (e) {
      throw new Error(`Cannot back up database: ${(e as Error).message}`, { cause: e });
    }
    return checkCopy(db, partial, before, count(db));
  });
}

/**
 * Takes a copy out of WAL mode (a page copy keeps the source's), which moves
 * everything into the file itself: a backup is then one file to keep.
 */
function singleFile(path: string): void {
  const copy = new DatabaseSync(path);
  try {
    copy.exec("PRAGMA journal_mode = DELETE");
  } finally {
    copy.close();
  }
}

/** Checks a fresh copy against its source, read before and after the copy. */
function checkCopy(
  source: DatabaseSync,
  path: string,
  before: number,
  after: number,
): WrittenCopy {
  const copy = openReadOnly(path);
  try {
    checkIntegrity(copy);
    const events = count(copy);
    if (events < before || events > after) {
      throw new Error(
        `Cannot back up database: the copy holds ${events} events, the database ${before} to ${after}`,
      );
    }
    const last = copy.prepare(
      `SELECT primary_scheme, primary_id, seq, envelope_hash FROM sigchain_events
       ORDER BY rowid DESC LIMIT 1`,
    ).get() as LastRow | undefined;
    if (last !== undefined) {
      const same = source.prepare(
        `SELECT envelope_hash FROM sigchain_events
         WHERE primary_scheme = ? AND primary_id = ? AND seq = ?`,
      ).get(last.primary_scheme, last.primary_id, last.seq) as LastRow | undefined;
      if (same?.envelope_hash !== last.envelope_hash) {
        throw new Error(
          `Cannot back up database: the copy's ${last.primary_scheme}:${last.primary_id} ` +
            `seq ${last.seq} differs from the database's`,
        );
      }
    }
    return { events, logged: hasLog(copy) };
  } finally {
    copy.close();
  }
}

/**
 * Checks a fresh copy with SQLite's `integrity_check`.
 *
 * @param copy a connection to the copy
 * @throws {Error} naming what the check found
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { checkIntegrity } from "./backup.ts";
 * checkIntegrity(new DatabaseSync(":memory:"));
 * ```
 */
export function checkIntegrity(copy: DatabaseSync): void {
  const check = copy.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
  if (check.length !== 1 || check[0]!.integrity_check !== "ok") {
    const problems = check.map((row) => row.integrity_check).join("; ");
    throw new Error(`Cannot back up database: the copy fails its integrity check: ${problems}`);
  }
}

/** Whether a database has a transparency log: its tables and its state row. */
function hasLog(db: DatabaseSync): boolean {
  return db.prepare(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kez_log_state'",
      ).get() !== undefined &&
    db.prepare("SELECT 1 FROM kez_log_state").get() !== undefined;
}

/** Gives the checked copy the target's name, refusing to replace a file that appeared meanwhile. */
async function publish(partial: string, target: string): Promise<void> {
  try {
    await Deno.link(partial, target);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw fileExists(target);
    // Some file systems (FAT, some network mounts) have no hard links; rename
    // replaces a file, so look once more just before.
    if (await exists(target)) throw fileExists(target);
    await Deno.rename(partial, target);
  }
}
