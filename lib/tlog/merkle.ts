/**
 * RFC 6962 §2.1 Merkle tree hashing with SHA-256 (spec §10.1), and the compact
 * state that follows the root of an append-only log in O(log n) memory.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import type { HashReader } from "./hash_reader.ts";

/** The length in bytes of every hash of the log. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

/**
 * The hash of a leaf: `SHA-256(0x00 ‖ data)`. The prefix keeps a leaf from
 * passing for an interior node (RFC 6962 §2.1).
 *
 * @param data the leaf's bytes (for the KEZ log, a stored line)
 * @returns its 32-byte leaf hash
 *
 * @example
 * ```ts
 * import { leafHash } from "./merkle.ts";
 * import { toHex } from "../protocol/mod.ts";
 * const h = toHex(leafHash(new Uint8Array()));
 * if (h !== "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d") throw new Error(h);
 * ```
 */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(data).digest();
}

/**
 * The hash of an interior node: `SHA-256(0x01 ‖ left ‖ right)`.
 *
 * @param left the left child's hash
 * @param right the right child's hash
 * @returns the node's 32-byte hash
 *
 * @example
 * ```ts
 * import { leafHash, nodeHash } from "./merkle.ts";
 * const a = leafHash(new Uint8Array([1])), b = leafHash(new Uint8Array([2]));
 * if (nodeHash(a, b).length !== 32) throw new Error("unexpected");
 * ```
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * The root of the empty tree, `SHA-256("")`.
 *
 * @returns a fresh copy of the 32-byte hash
 *
 * @example
 * ```ts
 * import { emptyRoot } from "./merkle.ts";
 * import { toHex } from "../protocol/mod.ts";
 * if (!toHex(emptyRoot()).startsWith("e3b0c442")) throw new Error("unexpected");
 * ```
 */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array());
}

/**
 * The Merkle Tree Hash (MTH) of a list of leaf hashes.
 *
 * @param leafHashes the leaf hashes, in log order
 * @returns the tree's root
 * @throws {RangeError} if a leaf hash is not 32 bytes
 *
 * @example
 * ```ts
 * import { leafHash, nodeHash, rootOf } from "./merkle.ts";
 * const [a, b, c] = [1, 2, 3].map((x) => leafHash(new Uint8Array([x]))) as [Uint8Array, Uint8Array, Uint8Array];
 * const expected = nodeHash(nodeHash(a, b), c);
 * if (rootOf([a, b, c]).toString() !== expected.toString()) throw new Error("unexpected");
 * ```
 */
export function rootOf(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const range = new CompactRange();
  for (const h of leafHashes) range.append(h);
  return range.root();
}

/** A hash of the tree: the complete subtree of `2^level` leaves from leaf `index · 2^level`. */
export interface TreeNode {
  /** The height of the subtree; leaves are level 0. */
  readonly level: number;
  /** The position of the subtree among those of its level. */
  readonly index: number;
  /** The subtree's Merkle Tree Hash. */
  readonly hash: Uint8Array;
}

/**
 * The state of a growing log in O(log n) memory: the roots of the complete
 * subtrees that the tree of `size` leaves splits into, one for each set bit
 * of `size`, largest (leftmost) first.
 *
 * @example
 * ```ts
 * import { CompactRange, leafHash } from "./merkle.ts";
 * const range = new CompactRange();
 * range.append(leafHash(new Uint8Array([1])));
 * const made = range.append(leafHash(new Uint8Array([2])));
 * if (range.size !== 2 || made.length !== 2 || made[1]!.level !== 1) throw new Error("unexpected");
 * if (range.root().toString() !== made[1]!.hash.toString()) throw new Error("root is the level-1 node");
 * ```
 */
export class CompactRange {
  #size = 0;
  readonly #peaks: Uint8Array[] = [];

  /** The number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Rebuilds the state of a tree of `size` leaves from its stored hashes, so
   * that a log can resume appending after a restart with O(log n) reads.
   *
   * @param size the number of leaves of the tree
   * @param reader where the tree's complete subtree hashes are kept
   * @returns the state, ready for the next append
   * @throws {RangeError} if `size` is not a safe non-negative integer
   *
   * @example
   * ```ts
   * import { CompactRange, leafHash } from "./merkle.ts";
   * import { MemoryHashReader } from "./hash_reader.ts";
   * const store = new MemoryHashReader([1, 2, 3].map((x) => leafHash(new Uint8Array([x]))));
   * const resumed = CompactRange.fromReader(3, store);
   * if (resumed.root().toString() !== store.root().toString()) throw new Error("unexpected");
   * ```
   */
  static fromReader(size: number, reader: HashReader): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid tree size ${size}`);
    const range = new CompactRange();
    range.#size = size;
    for (let level = 52; level >= 0; level--) {
      const count = Math.floor(size / 2 ** level);
      if (count % 2 === 1) range.#peaks.push(reader.hashAt(level, count - 1));
    }
    return range;
  }

  /**
   * Appends a leaf.
   *
   * @param leafHash the new leaf's hash (see {@linkcode leafHash})
   * @returns every subtree this leaf completes, the leaf itself first: what a
   * store keeps so that it can later answer {@linkcode HashReader.hashAt}
   * @throws {RangeError} if `leafHash` is not 32 bytes
   */
  append(leafHash: Uint8Array): TreeNode[] {
    if (leafHash.length !== HASH_SIZE) throw new RangeError("A leaf hash is 32 bytes");
    let hash = leafHash;
    let index = this.#size;
    let level = 0;
    const made: TreeNode[] = [{ level, index, hash }];
    // An odd index is a right child, whose left sibling is the last peak.
    while (index % 2 === 1) {
      hash = nodeHash(this.#peaks.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      made.push({ level, index, hash });
    }
    this.#peaks.push(hash);
    this.#size++;
    return made;
  }

  /**
   * The Merkle Tree Hash of the leaves appended so far.
   *
   * @returns the root; {@linkcode emptyRoot} when there are no leaves
   */
  root(): Uint8Array {
    let root = this.#peaks.at(-1);
    if (root === undefined) return emptyRoot();
    for (let i = this.#peaks.length - 2; i >= 0; i--) root = nodeHash(this.#peaks[i]!, root);
    return root;
  }
}
