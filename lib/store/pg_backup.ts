/**
 * Backing up a PostgreSQL database to a SQLite file: the inverse of
 * `migrate`. The file holds spec §7's table and the log's tables exactly as
 * a SQLite server keeps them, so that a SQLite server opened on it under the
 * same log key goes on with the same log.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { ed25519 } from "@noble/curves/ed25519.js";
import { equalBytes, toHex } from "../protocol/mod.ts";
import { openCheckpoint, parseCheckpoint, parseNote, verifierKey } from "../tlog/mod.ts";
import { type BackupReport, checkIntegrity, writeBackup } from "./backup.ts";
import { type PgSnapshot, readPgSnapshot } from "./pg_snapshot.ts";
import { redactUrl } from "./pg_url.ts";
import type { CopiedEventRow } from "./event_pages.ts";
import { openReadOnly } from "./read_only.ts";
import { migrate } from "./schema.ts";
import { type LogProblem, type LogStateRow, verifyLog } from "./verify_log.ts";

/** Options of {@linkcode backupPostgres}. */
export interface PgBackupOptions {
  /**
   * The log's key file: the servers' `--log-key`, which a PostgreSQL
   * database has no default for. It must sign the database's last
   * checkpoint; it is copied to `<target>-log.key`.
   */
  readonly keyFile: string;
}

/** What a backup of a PostgreSQL database wrote. */
export interface PgBackupReport extends BackupReport {
  /** The log's size in the copy, as in the database. */
  readonly size: number;
  /** The log's root, in hex, as both give it. */
  readonly root: string;
}

/** The columns of a copied event, in the order the copy's check hashes them. */
type CopiedRow = [string, string, number, string, string, string];

/** Rows read back from the copy per query. */
const CHECK_PAGE_ROWS = 2000;

function refuse(message: string, cause?: unknown): Error {
  return new Error(`Cannot back up database: ${message}`, { cause });
}

function digestRow(digest: Hash, row: CopiedRow): void {
  digest.update(JSON.stringify(row) + "\n");
}

/**
 * Copies a PostgreSQL database, which servers may be writing, into a new
 * SQLite file, from one `REPEATABLE READ READ ONLY` snapshot, a page at a
 * time, in the steps of `writeBackup` (the target and its key file never
 * overwritten; the copy fsynced before it takes its name; the key copied
 * beside it as `<target>-log.key`, mode 0600).
 *
 * The events are written in log order, event `n` of the log at rowid `n + 1`
 * beside its leaf, which is how a SQLite server lays out a log it wrote, and
 * the log's state with its last signed checkpoint. The key file must sign
 * that checkpoint. Then the copy is checked: SQLite's integrity check; its
 * event count that of the snapshot; its log replayed (each leaf's hash from
 * its entry, each entry its event's line, each stored subtree hash) with
 * the database's size and root; and every copied row, read back, what the
 * database gave.
 *
 * @param url the database, `postgres://…`
 * @param target the backup file; it must not exist, nor its key file
 * @param options the key file
 * @returns what was written, the key's copy, and the log's size and root
 * @throws {Error} when the target or its key file exists, the key file
 *   cannot be read or does not sign the log, the database cannot be read or
 *   its rows and log disagree (`verify` names where), or the copy fails a check
 *
 * @example
 * ```ts ignore
 * import { backupPostgres } from "./pg_backup.ts";
 * const report = await backupPostgres("postgres://kez@127.0.0.1/kez", "kez-backup.db", { keyFile: "kez-log.key" });
 * console.log(report.events, report.root, report.keyCopy);
 * ```
 */
export async function backupPostgres(
  url: string,
  target: string,
  options: PgBackupOptions,
): Promise<PgBackupReport> {
  let log: { size: number; root: string } | undefined;
  const report = await writeBackup(
    target,
    options.keyFile,
    (partial, seed) =>
      readPgSnapshot(url, async (snapshot) => {
        const state = await snapshot.logState();
        if (state === null) {
          throw refuse(`"${redactUrl(url)}" has no transparency log; start a server on it once`);
        }
        if (seed !== null) checkKey(state, seed, options.keyFile);
        const events = await snapshot.eventCount();
        if (events !== state.size) {
          throw refuse(
            `its log's size is ${state.size}, its events ${events}; verify names what differs`,
          );
        }
        const digest = await copyRows(snapshot, state, partial);
        checkCopy(partial, state, digest);
        log = { size: state.size, root: toHex(state.root) };
        return { events, logged: true };
      }),
  );
  return { ...report, ...log! };
}

/** Refuses a key that does not sign the log: the copy could not go on with it. */
function checkKey(state: LogStateRow, seed: Uint8Array, keyFile: string): void {
  try {
    const { origin } = parseCheckpoint(parseNote(state.checkpoint).text);
    openCheckpoint(state.checkpoint, verifierKey(origin, ed25519.getPublicKey(seed)));
  } catch (e) {
    throw refuse(
      `the log key "${keyFile}" does not sign the database's last checkpoint; give backup the servers' --log-key`,
      e,
    );
  }
}

/** Writes the snapshot's rows into a new file; the digest of the rows written. */
async function copyRows(snapshot: PgSnapshot, state: LogStateRow, path: string): Promise<string> {
  const db = new DatabaseSync(path);
  const digest = createHash("sha256");
  try {
    migrate(db, true);
    db.exec("BEGIN");
    const insertEvent = db.prepare(
      `INSERT INTO sigchain_events
         (rowid, primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertLeaf = db.prepare(
      "INSERT INTO kez_log_entries (idx, event_rowid, leaf_hash, nodes, entry) VALUES (?, ?, ?, ?, ?)",
    );
    for (let next = 0; next < state.size;) {
      const rows = await snapshot.logPage(next, state.size);
      if (rows[0]?.idx !== next) throw refuse(`its log has no leaf ${next}; verify names it`);
      for (const row of rows) {
        if (next >= state.size) break;
        if (row.idx !== next) throw refuse(`its log has no leaf ${next}; verify names it`);
        if (row.line === null || row.envelope_hash === null || row.created_at === null) {
          throw refuse(
            `its log's leaf ${row.idx} is ${row.primary_scheme}:${row.primary_id} seq ${row.seq}, which is not stored; verify names it`,
          );
        }
        const copied: CopiedRow = [
          row.primary_scheme,
          row.primary_id,
          row.seq,
          row.line,
          row.envelope_hash,
          row.created_at,
        ];
        insertEvent.run(row.idx + 1, ...copied);
        insertLeaf.run(
          row.idx,
          row.idx + 1,
          row.leaf_hash as Uint8Array,
          row.nodes as Uint8Array,
          row.entry,
        );
        digestRow(digest, copied);
        next++;
      }
    }
    db.prepare(
      `INSERT INTO kez_log_state (id, size, last_event_rowid, root, checkpoint)
       VALUES (1, ?, ?, ?, ?)`,
    ).run(state.size, state.size, state.root, state.checkpoint);
    db.exec("COMMIT");
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("Cannot back up")) throw e;
    throw refuse((e as Error).message, e);
  } finally {
    db.close();
  }
  return digest.digest("hex");
}

/** Checks the written file against what was read from the database. */
function checkCopy(path: string, state: LogStateRow, want: string): void {
  const copy = openReadOnly(path);
  try {
    checkIntegrity(copy);
    const problems: LogProblem[] = [];
    const audit = verifyLog(copy, (p) => problems.push(p));
    const stored = copy.prepare("SELECT root FROM kez_log_state WHERE id = 1").get() as
      | { root: Uint8Array }
      | undefined;
    if (
      audit === null || problems.length > 0 || audit.size !== state.size ||
      stored === undefined || !equalBytes(stored.root, state.root)
    ) {
      const why = problems[0] === undefined ? "" : `: ${problems[0].message}`;
      throw refuse(`the copy's log does not give the database's size and root${why}`);
    }
    const page = copy.prepare(
      `SELECT rowid, primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at
       FROM sigchain_events WHERE rowid > ? ORDER BY rowid LIMIT ${CHECK_PAGE_ROWS}`,
    );
    const digest = createHash("sha256");
    let rows = 0;
    for (let after = 0;;) {
      const batch = page.all(after) as unknown as CopiedEventRow[];
      for (const r of batch) {
        digestRow(digest, [
          r.primary_scheme,
          r.primary_id,
          r.seq,
          r.envelope_json,
          r.envelope_hash,
          r.created_at,
        ]);
      }
      rows += batch.length;
      if (batch.length < CHECK_PAGE_ROWS) break;
      after = batch.at(-1)!.rowid;
    }
    if (rows !== state.size || digest.digest("hex") !== want) {
      throw refuse("the copy's events, read back, are not the database's");
    }
  } finally {
    copy.close();
  }
}
