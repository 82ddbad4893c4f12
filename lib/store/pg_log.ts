/**
 * The {@linkcode TransparencyLog} of a {@linkcode PgStore}: every read from
 * the database, bounded by the latest checkpoint this server knows, which
 * advances with its own commits at once and with other servers' commits
 * when the store polls `kez_log_state`.
 *
 * @module
 */

import type { Sql } from "postgres";
import type { Primary } from "../protocol/mod.ts";
import {
  consistencyProof,
  formatVerifierKey,
  inclusionProof,
  readTile,
  type Tile,
  type VerifierKey,
} from "../tlog/mod.ts";
import type { SignedCheckpoint } from "./log_writer.ts";
import { translatePg } from "./pg_errors.ts";
import { withStoredHashes } from "./pg_hashes.ts";
import { buildTile } from "./log_tile.ts";
import type { TransparencyLog } from "./transparency_log.ts";

/**
 * Reads the log's tables on the store's pool.
 *
 * @example
 * ```ts ignore
 * import { PgStore } from "./pg_store.ts";
 * const store = await PgStore.open("postgres://kez@127.0.0.1:5432/kez", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * console.log(store.log.checkpoint().size);
 * await store.close();
 * ```
 */
export class PgLog implements TransparencyLog {
  readonly verifierKey: string;
  #checkpoint: SignedCheckpoint;
  readonly #sql: Sql;

  /**
   * @param sql the store's pool
   * @param key the log's verifier key
   * @param checkpoint the latest checkpoint committed
   */
  constructor(sql: Sql, key: VerifierKey, checkpoint: SignedCheckpoint) {
    this.verifierKey = formatVerifierKey(key);
    this.#sql = sql;
    this.#checkpoint = checkpoint;
  }

  /**
   * Moves the current tree forward to a committed checkpoint, this server's
   * or another's; never back.
   *
   * @param checkpoint a committed checkpoint
   */
  advance(checkpoint: SignedCheckpoint): void {
    if (checkpoint.size > this.#checkpoint.size) this.#checkpoint = checkpoint;
  }

  /** @inheritdoc */
  checkpoint(): SignedCheckpoint {
    return this.#checkpoint;
  }

  /** @inheritdoc */
  tile(tile: Tile): Promise<Uint8Array<ArrayBuffer>> {
    return this.#read(() =>
      buildTile(tile, {
        entries: (start: number, end: number) => this.entries(start, end),
        leafHashes: async (start: number, end: number) => {
          const rows = await this.#sql<{ leaf_hash: Uint8Array }[]>`
            SELECT leaf_hash FROM kez_log_entries
            WHERE idx >= ${start} AND idx < ${end} ORDER BY idx`;
          return rows.map((row) => row.leaf_hash);
        },
        upperTile: (t: Tile) => withStoredHashes(this.#sql, (r) => readTile(r, t)),
      })
    );
  }

  /** @inheritdoc */
  entries(start: number, end: number): Promise<string[]> {
    return this.#read(async () => {
      const rows = await this.#sql<{ entry: string }[]>`
        SELECT entry FROM kez_log_entries WHERE idx >= ${start} AND idx < ${end} ORDER BY idx`;
      return rows.map((row) => row.entry);
    });
  }

  /** @inheritdoc */
  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.#read(() => withStoredHashes(this.#sql, (r) => inclusionProof(r, index, size)));
  }

  /** @inheritdoc */
  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return this.#read(() => withStoredHashes(this.#sql, (r) => consistencyProof(r, from, to)));
  }

  /** @inheritdoc */
  indexOf(primary: Primary, seq: number): Promise<number | null> {
    return this.#read(async () => {
      const [row] = await this.#sql<{ idx: number }[]>`
        SELECT idx FROM kez_log_entries
        WHERE primary_scheme = ${primary.scheme} AND primary_id = ${primary.id} AND seq = ${seq}
          AND idx < ${this.#checkpoint.size}
        ORDER BY idx DESC LIMIT 1`;
      return row === undefined ? null : Number(row.idx);
    });
  }

  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      throw translatePg(e);
    }
  }
}
