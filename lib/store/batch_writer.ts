/**
 * Writing a checked batch of events in one fsynced transaction, on the
 * connection at hand or on a writer thread.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { LogWriter, SignedCheckpoint } from "./log_writer.ts";

/** One row of `sigchain_events`, in column order. */
export type EventRow = readonly [
  scheme: string,
  id: string,
  seq: number,
  envelopeJson: string,
  envelopeHash: string,
  createdAt: string,
];

/** A chain the batch extends, and how many events it held when the batch was checked. */
export type ChainGuard = readonly [scheme: string, id: string, length: number];

/** Where a committed batch's events went in the transparency log. */
export interface BatchLog {
  /** Each row's log index, in the order of the rows. */
  readonly indices: readonly number[];
  /** The checkpoint signed with the batch, which includes every one of them. */
  readonly checkpoint: SignedCheckpoint;
}

/** How a batch went. */
export type BatchOutcome =
  /** Committed; with the log's part when the store keeps one. */
  | { readonly ok: true; readonly log?: BatchLog }
  /** Another connection changed a chain of the batch after it was checked: nothing was written. */
  | { readonly ok: false; readonly stale: true }
  /** SQLite failed: nothing was written. */
  | { readonly ok: false; readonly stale: false; readonly error: Error };

/** Commits checked batches. */
export interface BatchWriter {
  /**
   * Writes a batch in one transaction, fsynced before it resolves.
   *
   * @param rows the rows, in order
   * @param guards the chains they extend, with their lengths when checked
   * @returns the outcome; it never rejects
   */
  write(rows: readonly EventRow[], guards: readonly ChainGuard[]): Promise<BatchOutcome>;
  /** Stops writing; resolves once nothing is in flight. */
  close(): Promise<void>;
}

/** The statements a batch needs, prepared once per connection. */
export interface BatchStatements {
  readonly insert: StatementSync;
  readonly length: StatementSync;
}

/**
 * Prepares the statements of {@linkcode writeBatch} on a connection.
 *
 * @param db the connection
 * @returns the statements
 */
export function prepareBatch(db: DatabaseSync): BatchStatements {
  return {
    insert: db.prepare(
      `INSERT INTO sigchain_events
       (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    length: db.prepare(
      `SELECT coalesce(max(seq) + 1, 0) AS length FROM sigchain_events
       WHERE primary_scheme = ? AND primary_id = ?`,
    ),
  };
}

/**
 * Writes a batch in one transaction. The write lock is taken first, so the
 * guards see the chains exactly as the inserts will extend them. With a log,
 * the batch's events join it in the same transaction, under a new checkpoint.
 *
 * @param db the connection
 * @param statements its prepared statements
 * @param rows the rows
 * @param guards the chains with their expected lengths
 * @param log the transparency log, when the store keeps one
 * @returns the outcome
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { prepareBatch, writeBatch } from "./batch_writer.ts";
 * import { ORIGINAL_SCHEMA } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(ORIGINAL_SCHEMA);
 * const row = ["ed25519", "ab", 0, "{}", "sha256:x", "2026-01-01T00:00:00Z"] as const;
 * const outcome = writeBatch(db, prepareBatch(db), [row], [["ed25519", "ab", 0]]);
 * if (!outcome.ok) throw new Error("written");
 * if (writeBatch(db, prepareBatch(db), [row], [["ed25519", "ab", 0]]).ok) throw new Error("stale");
 * ```
 */
export function writeBatch(
  db: DatabaseSync,
  statements: BatchStatements,
  rows: readonly EventRow[],
  guards: readonly ChainGuard[],
  log?: LogWriter,
): BatchOutcome {
  try {
    db.exec("BEGIN IMMEDIATE");
  } catch (e) {
    return { ok: false, stale: false, error: e as Error };
  }
  try {
    for (const [scheme, id, length] of guards) {
      const now = (statements.length.get(scheme, id) as { length: number }).length;
      if (now !== length) {
        db.exec("ROLLBACK");
        return { ok: false, stale: true };
      }
    }
    const rowids = rows.map((row) => Number(statements.insert.run(...row).lastInsertRowid));
    if (log === undefined) {
      db.exec("COMMIT");
      return { ok: true };
    }
    const { indexOf, checkpoint } = log.extend(Number.MAX_SAFE_INTEGER, rowids);
    db.exec("COMMIT");
    return { ok: true, log: { indices: rowids.map((r) => indexOf.get(r)!), checkpoint } };
  } catch (e) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing is left to undo.
    }
    return { ok: false, stale: false, error: e as Error };
  }
}

/**
 * Writes on the connection that checks and serves: simple, but the thread
 * waits out every fsync.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { InPlaceWriter } from "./batch_writer.ts";
 * import { ORIGINAL_SCHEMA } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(ORIGINAL_SCHEMA);
 * const writer = new InPlaceWriter(db);
 * const outcome = await writer.write([["ed25519", "ab", 0, "{}", "sha256:x", "t"]], [["ed25519", "ab", 0]]);
 * if (!outcome.ok) throw new Error("written");
 * ```
 */
export class InPlaceWriter implements BatchWriter {
  #db: DatabaseSync;
  #statements: BatchStatements;
  #log: LogWriter | undefined;

  /**
   * @param db the connection
   * @param log the transparency log, when the store keeps one
   */
  constructor(db: DatabaseSync, log?: LogWriter) {
    this.#db = db;
    this.#statements = prepareBatch(db);
    this.#log = log;
  }

  /** @inheritdoc */
  write(rows: readonly EventRow[], guards: readonly ChainGuard[]): Promise<BatchOutcome> {
    return Promise.resolve(writeBatch(this.#db, this.#statements, rows, guards, this.#log));
  }

  /** @inheritdoc */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
