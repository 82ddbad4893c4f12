/**
 * The log's subtree hashes read from PostgreSQL for a computation that needs
 * them synchronously (a proof, a tile, resuming a tree): the hashes it will
 * ask for are found first by running it against a reader that only records,
 * since which hashes a proof or tile needs depends on the tree's shape, never
 * on the hashes; then they are read in one query and it runs for real.
 *
 * @module
 */

import type { Sql } from "postgres";
import { HASH_SIZE, type HashReader } from "../tlog/mod.ts";
import { completedBy, heldHash } from "./log_writer.ts";

const ZERO = new Uint8Array(HASH_SIZE);

/**
 * Runs a computation over the log's hashes, read beforehand in one query.
 *
 * @param sql the pool, or a transaction
 * @param compute the computation, run twice: once to learn what it reads
 * @returns what `compute` returned on the stored hashes
 * @throws {RangeError} when the log lacks a hash asked for
 *
 * @example
 * ```ts ignore
 * import postgres from "postgres";
 * import { withStoredHashes } from "./pg_hashes.ts";
 * import { inclusionProof } from "../tlog/mod.ts";
 * const sql = postgres("postgres://kez@127.0.0.1:5432/kez");
 * const proof = await withStoredHashes(sql, (reader) => inclusionProof(reader, 0, 2));
 * await sql.end();
 * ```
 */
export async function withStoredHashes<T>(
  sql: Sql,
  compute: (reader: HashReader) => T,
): Promise<T> {
  const wanted = new Set<number>();
  compute({
    hashAt(level, index) {
      wanted.add(completedBy(level, index));
      return ZERO;
    },
  });
  const rows = wanted.size === 0 ? [] : await sql<
    { idx: number; leaf_hash: Uint8Array; nodes: Uint8Array }[]
  >`SELECT idx, leaf_hash, nodes FROM kez_log_entries WHERE idx = ANY(${[...wanted]}::bigint[])`;
  const byIndex = new Map(rows.map((row) => [Number(row.idx), row]));
  return compute({
    hashAt(level, index) {
      const row = byIndex.get(completedBy(level, index));
      const hash = row === undefined ? undefined : heldHash(row, level);
      if (hash === undefined) {
        throw new RangeError(`The log has no subtree hash at level ${level}, index ${index}`);
      }
      return hash;
    },
  });
}
