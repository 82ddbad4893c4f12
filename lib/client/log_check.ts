/**
 * The consistency rule of spec §10.4: a checkpoint a server serves now and the
 * largest one kept from before must be views of one append-only tree.
 *
 * @module
 */

import { equalBytes } from "../protocol/mod.ts";
import { type Checkpoint, TlogError, verifyConsistency } from "../tlog/mod.ts";

/** A checkpoint whose signature has been checked, with its signed note verbatim. */
export interface VerifiedCheckpoint {
  /** The signed note, as served: evidence to keep or show. */
  readonly note: string;
  /** Its parsed, verified tree head. */
  readonly checkpoint: Checkpoint;
}

/**
 * Fetches the consistency proof from the tree of `from` leaves to that of `to`.
 *
 * @param from the older size, at least 1
 * @param to the newer size
 * @returns the proof's hashes
 */
export type ConsistencyProver = (from: number, to: number) => Promise<readonly Uint8Array[]>;

/**
 * Checks that a served checkpoint is consistent with the kept one: equal
 * sizes must have equal roots; otherwise the smaller tree must be a prefix of
 * the larger, by a consistency proof. A served checkpoint smaller than the
 * kept one is fine when the server can prove that (a stale cache, a
 * lagging replica); the larger stays kept.
 *
 * @param kept the largest checkpoint verified before, or null for the first
 * @param served the checkpoint just verified
 * @param prove fetches a consistency proof; not called from an empty tree,
 *   which every tree extends
 * @returns the larger of the two: what to keep from now on
 * @throws {TlogError} when the two cannot be views of one append-only tree;
 *   whatever `prove` throws
 *
 * @example
 * ```ts
 * import { largerConsistent } from "./log_check.ts";
 * import { leafHash, MemoryHashReader, consistencyProof } from "../tlog/mod.ts";
 * const log = new MemoryHashReader([1, 2, 3].map((x) => leafHash(new Uint8Array([x]))));
 * const at = (size: number) => ({
 *   note: `note of ${size}`,
 *   checkpoint: { origin: "example.com/log", size, root: new MemoryHashReader([1, 2, 3].slice(0, size).map((x) => leafHash(new Uint8Array([x])))).root() },
 * });
 * const prove = (from: number, to: number) => Promise.resolve(consistencyProof(log, from, to));
 * const kept = await largerConsistent(at(1), at(3), prove);
 * if (kept.checkpoint.size !== 3) throw new Error("the larger is kept");
 * if ((await largerConsistent(at(3), at(2), prove)).checkpoint.size !== 3) throw new Error("still 3");
 * ```
 */
export async function largerConsistent(
  kept: VerifiedCheckpoint | null,
  served: VerifiedCheckpoint,
  prove: ConsistencyProver,
): Promise<VerifiedCheckpoint> {
  if (kept === null) return served;
  const [older, newer] = served.checkpoint.size < kept.checkpoint.size
    ? [served, kept]
    : [kept, served];
  const from = older.checkpoint.size;
  const to = newer.checkpoint.size;
  if (from === to) {
    if (!equalBytes(older.checkpoint.root, newer.checkpoint.root)) {
      throw new TlogError(
        `the kept and the served checkpoints both have size ${to} but different roots`,
      );
    }
    return kept;
  }
  const proof = from === 0 ? [] : await prove(from, to);
  if (!verifyConsistency(from, to, older.checkpoint.root, newer.checkpoint.root, proof)) {
    throw new TlogError(
      `the tree of size ${from} is not a prefix of the tree of size ${to}: ` +
        "the consistency proof does not hold",
    );
  }
  return newer;
}
