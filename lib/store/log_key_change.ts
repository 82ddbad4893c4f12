/**
 * A change of the transparency log's key, which only the operator may make
 * (`--new-log-key`): finding that a database's log was signed by a key whose
 * file is missing, and recording a chosen change in the database, beside the
 * log, in a table of its own (spec §7 allows new tables).
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { toHex } from "../protocol/mod.ts";
import { parseNote } from "../tlog/mod.ts";
import { idleWal, openReadOnly, removeReaderFiles } from "./read_only.ts";

/** The last checkpoint a database's log holds. */
export interface StoredCheckpoint {
  /** The log's size. */
  readonly size: number;
  /** The signed note, verbatim. */
  readonly note: string;
  /** The signing key's ID in hex, from the note's first signature, or null if it has none. */
  readonly keyId: string | null;
}

/** One recorded change of the log's key. */
export interface LogKeyChange {
  /** When, RFC 3339 UTC. */
  readonly changedAt: string;
  /** The log's last checkpoint under the old key. */
  readonly previous: StoredCheckpoint;
  /** The new verifier key (spec §10.2). */
  readonly newKey: string;
}

/** The table of key changes: a row per start with `--new-log-key` on a database that had a log. */
export const KEY_CHANGES_SCHEMA = `CREATE TABLE IF NOT EXISTS kez_log_key_changes (
  changed_at      TEXT NOT NULL,
  log_size        INTEGER NOT NULL,
  old_checkpoint  TEXT NOT NULL,
  new_key         TEXT NOT NULL
);`;

/**
 * The last signed checkpoint of a database's log, read without writing, and
 * leaving nothing behind. Call it before this process opens the file
 * otherwise, and with the file locked against writers (see `claimDatabase`).
 *
 * @param path the database file
 * @returns the checkpoint, or null when the file has no log, no checkpoint,
 *   or cannot be read as a server's database (opening it says why)
 *
 * @example
 * ```ts
 * import { signedCheckpoint } from "./log_key_change.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`, { log: { origin: "example.com/log", seed: new Uint8Array(32) } }).close();
 * const checkpoint = signedCheckpoint(`${dir}/a.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (checkpoint?.size !== 0 || checkpoint.keyId === null) throw new Error("a signed empty log");
 * ```
 */
export function signedCheckpoint(path: string): StoredCheckpoint | null {
  // What a read-only connection makes beside an idle file, this removes: the caller holds the file.
  const idle = idleWal(path);
  let db: DatabaseSync;
  try {
    db = openReadOnly(path);
  } catch {
    if (idle) removeReaderFiles(path);
    return null;
  }
  try {
    const table = db.prepare(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kez_log_state'",
    ).get();
    if (table === undefined) return null;
    const row = db.prepare("SELECT size, checkpoint FROM kez_log_state WHERE id = 1").get() as
      | { size: number; checkpoint: string }
      | undefined;
    if (row === undefined) return null;
    return { size: row.size, note: row.checkpoint, keyId: keyIdOf(row.checkpoint) };
  } finally {
    db.close();
    if (idle) removeReaderFiles(path);
  }
}

function keyIdOf(note: string): string | null {
  try {
    const signature = parseNote(note).signatures[0];
    return signature === undefined ? null : toHex(signature.id);
  } catch {
    return null;
  }
}

/**
 * Records a change of the log's key in the database, in its own
 * transaction, creating the table if needed.
 *
 * @param path the database file, which the server holds
 * @param change what changed
 * @throws {Error} when the database cannot be written
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { recordLogKeyChange } from "./log_key_change.ts";
 * const dir = await Deno.makeTempDir();
 * recordLogKeyChange(`${dir}/a.db`, {
 *   changedAt: "2025-01-01T00:00:00.000Z",
 *   previous: { size: 3, note: "example.com/log\n3\nAAAA\n\n", keyId: null },
 *   newKey: "example.com/log+00000000+AQ==",
 * });
 * const db = new DatabaseSync(`${dir}/a.db`);
 * const { n } = db.prepare("SELECT COUNT(*) AS n FROM kez_log_key_changes").get() as { n: number };
 * db.close();
 * await Deno.remove(dir, { recursive: true });
 * if (n !== 1) throw new Error("one change");
 * ```
 */
export function recordLogKeyChange(path: string, change: LogKeyChange): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec(KEY_CHANGES_SCHEMA);
    db.prepare(
      `INSERT INTO kez_log_key_changes (changed_at, log_size, old_checkpoint, new_key)
       VALUES (?, ?, ?, ?)`,
    ).run(change.changedAt, change.previous.size, change.previous.note, change.newKey);
  } finally {
    db.close();
  }
}
