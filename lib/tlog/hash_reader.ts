/**
 * Where proofs and tiles get their hashes from: the complete subtrees of the
 * tree, addressed by level and index, which a server keeps as it appends
 * (see {@linkcode CompactRange.append}). Incomplete right edges are never
 * stored; they are hashed from complete subtrees when asked for.
 *
 * @module
 */

import { CompactRange, nodeHash, type TreeNode } from "./merkle.ts";

/** Read access to the complete subtrees of a log. */
export interface HashReader {
  /**
   * The hash of the complete subtree of `2^level` leaves that starts at leaf
   * `index · 2^level`; at level 0, the leaf hash of leaf `index`.
   *
   * @param level the subtree's height
   * @param index its position among the subtrees of that level
   * @returns its 32-byte Merkle Tree Hash
   * @throws {RangeError} if the reader's tree does not have that subtree
   */
  hashAt(level: number, index: number): Uint8Array;
}

/**
 * The Merkle Tree Hash of the leaves `start … end − 1`, in O(log n) reads. The
 * range must be one that RFC 6962's recursion splits a tree into: `start` a
 * multiple of the smallest power of two not below `end − start`. Such a range
 * is complete subtrees of decreasing sizes, whose hashes fold from the right.
 *
 * @param reader where the complete subtree hashes are kept
 * @param start the first leaf of the range
 * @param end one past the last leaf of the range
 * @returns the range's Merkle Tree Hash
 * @throws {RangeError} if the range is empty or not aligned that way
 *
 * @example
 * ```ts
 * import { MemoryHashReader, subtreeHash } from "./hash_reader.ts";
 * import { leafHash } from "./merkle.ts";
 * const store = new MemoryHashReader([1, 2, 3].map((x) => leafHash(new Uint8Array([x]))));
 * if (subtreeHash(store, 0, 3).toString() !== store.root().toString()) throw new Error("unexpected");
 * ```
 */
export function subtreeHash(reader: HashReader, start: number, end: number): Uint8Array {
  const count = end - start;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || count < 1) {
    throw new RangeError(`Invalid range ${start}…${end}`);
  }
  let block = 1;
  let level = 0;
  while (block < count) {
    block *= 2;
    level++;
  }
  if (start % block !== 0) throw new RangeError(`Range ${start}…${end} is not aligned`);
  const hashes: Uint8Array[] = [];
  let at = start;
  for (; at < end; block /= 2, level--) {
    if (end - at >= block) {
      hashes.push(reader.hashAt(level, at / block));
      at += block;
    }
  }
  let hash = hashes.pop()!;
  while (hashes.length > 0) hash = nodeHash(hashes.pop()!, hash);
  return hash;
}

/**
 * A {@linkcode HashReader} that keeps every complete subtree in memory: for
 * tests, and for small logs rebuilt from their leaves.
 *
 * @example
 * ```ts
 * import { MemoryHashReader } from "./hash_reader.ts";
 * import { leafHash, nodeHash } from "./merkle.ts";
 * const [a, b] = [leafHash(new Uint8Array([1])), leafHash(new Uint8Array([2]))];
 * const store = new MemoryHashReader([a, b]);
 * if (store.hashAt(1, 0).toString() !== nodeHash(a, b).toString()) throw new Error("unexpected");
 * ```
 */
export class MemoryHashReader implements HashReader {
  readonly #levels: Uint8Array[][] = [];
  readonly #range = new CompactRange();

  /**
   * Starts a log, with its first leaves if any.
   *
   * @param leafHashes the first leaf hashes of the log
   * @throws {RangeError} if a leaf hash is not 32 bytes
   */
  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.append(h);
  }

  /** The number of leaves. */
  get size(): number {
    return this.#range.size;
  }

  /**
   * Appends a leaf and keeps the subtrees it completes.
   *
   * @param leafHash the new leaf's hash
   * @returns the subtrees the leaf completes
   * @throws {RangeError} if `leafHash` is not 32 bytes
   */
  append(leafHash: Uint8Array): TreeNode[] {
    const made = this.#range.append(leafHash);
    for (const node of made) (this.#levels[node.level] ??= [])[node.index] = node.hash;
    return made;
  }

  /**
   * The root of all the leaves appended so far.
   *
   * @returns the Merkle Tree Hash
   */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** {@inheritDoc HashReader.hashAt} */
  hashAt(level: number, index: number): Uint8Array {
    const hash = this.#levels[level]?.[index];
    if (hash === undefined) {
      throw new RangeError(`No complete subtree at level ${level}, index ${index}`);
    }
    return hash;
  }
}
