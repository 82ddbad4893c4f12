/**
 * Online backups: a consistent copy of a live database, checked before it
 * takes its name.
 *
 * @module
 */

import { backup, DatabaseSync } from "node:sqlite";
import { openReadOnly } from "./read_only.ts";

/** What a backup wrote. */
export interface BackupReport {
  /** The events in the copy. */
  readonly events: number;
  /** The copy's size in bytes. */
  readonly bytes: number;
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

/**
 * Copies a database, which a server may be writing, to a new file. The copy
 * is SQLite's online backup from a read-only connection, all pages in one
 * step: one read snapshot, so it is consistent. (`VACUUM INTO` would need
 * `ATTACH`, which Deno's `node:sqlite` refuses without `--allow-all`.) It is
 * written beside the target under a temporary name, switched to the
 * rollback journal so that it is a single file, checked (integrity, schema,
 * its event count between the counts before and after, its last event
 * present in the source with the same hash), fsynced, and only then given
 * the target's name, which is never overwritten.
 *
 * @param source the database
 * @param target the backup file; it must not exist
 * @returns what was written
 * @throws {Error} when the target exists, the source cannot be used, or the copy fails its checks
 *
 * @example
 * ```ts
 * import { backupDatabase } from "./backup.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const report = await backupDatabase(`${dir}/a.db`, `${dir}/backup.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (report.events !== 0) throw new Error("an empty database");
 * ```
 */
export async function backupDatabase(source: string, target: string): Promise<BackupReport> {
  if (await exists(target)) throw fileExists(target);
  const partial = `${target}.partial-${crypto.randomUUID().slice(0, 8)}`;
  const db = openReadOnly(source);
  try {
    const before = count(db);
    try {
      // A negative rate copies every page in one step, under one read snapshot.
      await backup(db, partial, { rate: -1 });
      singleFile(partial);
    } catch (e) {
      throw new Error(`Cannot back up database: ${(e as Error).message}`, { cause: e });
    }
    const report = checkCopy(db, partial, before, count(db));
    // Whatever the copy's connection synced, a backup must be on disk before it is named.
    using file = await Deno.open(partial);
    await file.sync();
    await publish(partial, target);
    return report;
  } finally {
    db.close();
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`]) {
      await Deno.remove(file).catch(() => {});
    }
  }
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
function checkCopy(source: DatabaseSync, path: string, before: number, after: number) {
  const copy = openReadOnly(path);
  try {
    const check = copy.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    if (check.length !== 1 || check[0]!.integrity_check !== "ok") {
      const problems = check.map((row) => row.integrity_check).join("; ");
      throw new Error(`Cannot back up database: the copy fails its integrity check: ${problems}`);
    }
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
    return { events, bytes: Deno.statSync(path).size };
  } finally {
    copy.close();
  }
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
