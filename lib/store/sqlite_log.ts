/**
 * The {@linkcode TransparencyLog} of a {@linkcode SqliteStore}: reads from the
 * log's tables, bounded by the checkpoint the store last committed.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Primary } from "../protocol/mod.ts";
import {
  consistencyProof,
  formatVerifierKey,
  type HashReader,
  inclusionProof,
  readTile,
  type Tile,
  type VerifierKey,
} from "../tlog/mod.ts";
import { type SignedCheckpoint, sqliteHashReader } from "./log_writer.ts";
import { translate } from "./sqlite_errors.ts";
import { buildTile } from "./log_tile.ts";
import type { TransparencyLog } from "./transparency_log.ts";

/**
 * Reads the log on the serving connection. The store hands it each checkpoint
 * its writer commits; reads never go past the latest one.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "./sqlite_store.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * if (store.log?.checkpoint().size !== 0) throw new Error("a fresh log is empty");
 * await store.close();
 * ```
 */
export class SqliteLog implements TransparencyLog {
  readonly verifierKey: string;
  #checkpoint: SignedCheckpoint;
  readonly #reader: HashReader;
  readonly #leafHashes: StatementSync;
  readonly #entries: StatementSync;
  readonly #index: StatementSync;

  /**
   * @param db the serving connection
   * @param key the log's verifier key
   * @param checkpoint the latest checkpoint committed
   */
  constructor(db: DatabaseSync, key: VerifierKey, checkpoint: SignedCheckpoint) {
    this.verifierKey = formatVerifierKey(key);
    this.#checkpoint = checkpoint;
    this.#reader = sqliteHashReader(db);
    this.#leafHashes = db.prepare(
      "SELECT leaf_hash AS hash FROM kez_log_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
    );
    this.#entries = db.prepare(
      "SELECT entry FROM kez_log_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
    );
    this.#index = db.prepare(
      `SELECT l.idx FROM sigchain_events AS e JOIN kez_log_entries AS l ON l.event_rowid = e.rowid
       WHERE e.primary_scheme = ? AND e.primary_id = ? AND e.seq = ? AND l.idx < ?
       ORDER BY l.idx DESC LIMIT 1`,
    );
  }

  /**
   * Moves the current tree forward to a newly committed checkpoint.
   *
   * @param checkpoint the checkpoint of a committed batch
   */
  advance(checkpoint: SignedCheckpoint): void {
    // Answers of concurrent batches may arrive in any order; the tree only grows.
    if (checkpoint.size >= this.#checkpoint.size) this.#checkpoint = checkpoint;
  }

  /** @inheritdoc */
  checkpoint(): SignedCheckpoint {
    return this.#checkpoint;
  }

  /** @inheritdoc */
  tile(tile: Tile): Promise<Uint8Array<ArrayBuffer>> {
    const rows = {
      entries: (start: number, end: number) =>
        (this.#entries.all(start, end) as { entry: string }[]).map((row) => row.entry),
      leafHashes: (start: number, end: number) =>
        (this.#leafHashes.all(start, end) as { hash: Uint8Array }[]).map((row) => row.hash),
      upperTile: (t: Tile) => readTile(this.#reader, t),
    };
    return buildTile(tile, rows).catch((e) => {
      throw translate(e);
    });
  }

  /** @inheritdoc */
  entries(start: number, end: number): Promise<string[]> {
    return this.#read(() =>
      (this.#entries.all(start, end) as { entry: string }[]).map((row) => row.entry)
    );
  }

  /** @inheritdoc */
  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.#read(() => inclusionProof(this.#reader, index, size));
  }

  /** @inheritdoc */
  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return this.#read(() => consistencyProof(this.#reader, from, to));
  }

  /** @inheritdoc */
  indexOf(primary: Primary, seq: number): Promise<number | null> {
    return this.#read(() => {
      const row = this.#index.get(primary.scheme, primary.id, seq, this.#checkpoint.size) as
        | { idx: number }
        | undefined;
      return row?.idx ?? null;
    });
  }

  #read<T>(read: () => T): Promise<T> {
    try {
      return Promise.resolve(read());
    } catch (e) {
      return Promise.reject(translate(e));
    }
  }
}
