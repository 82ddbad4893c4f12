/**
 * A log's root recomputed leaf by leaf, in a state small enough to keep
 * between runs: the peaks of the tree (one hash per set bit of its size), so
 * that a monitor resumes where it stopped instead of replaying from 0.
 *
 * @module
 */

import { CompactRange } from "../tlog/mod.ts";

/** The levels of a tree's peaks, largest first: one per set bit of its size. */
function peakLevels(size: number): number[] {
  const levels: number[] = [];
  for (let level = 52; level >= 0; level--) {
    if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
  }
  return levels;
}

/**
 * An append-only tree that exposes its peaks.
 *
 * @example
 * ```ts
 * import { LogTree } from "./log_tree.ts";
 * import { leafHash, rootOf } from "../tlog/mod.ts";
 * const leaves = [1, 2, 3, 4, 5].map((x) => leafHash(new Uint8Array([x])));
 * const tree = new LogTree();
 * for (const leaf of leaves.slice(0, 3)) tree.append(leaf);
 * const resumed = LogTree.resume(tree.size, tree.peaks());
 * for (const leaf of leaves.slice(3)) resumed.append(leaf);
 * if (resumed.root().toString() !== rootOf(leaves).toString()) throw new Error("unexpected");
 * ```
 */
export class LogTree {
  #range = new CompactRange();
  /** The last node completed at each level: at a set bit of the size, that level's peak. */
  readonly #last: Uint8Array[] = [];

  /**
   * Resumes a tree from its size and peaks, as {@linkcode peaks} gave them.
   *
   * @param size the number of leaves
   * @param peaks the peaks, largest first
   * @returns the tree, ready for the next leaf
   * @throws {RangeError} if the size is not a safe non-negative integer, or
   *   the peaks are not one 32-byte hash per set bit of the size
   */
  static resume(size: number, peaks: readonly Uint8Array[]): LogTree {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid tree size ${size}`);
    const levels = peakLevels(size);
    if (peaks.length !== levels.length || peaks.some((p) => p.length !== 32)) {
      throw new RangeError(`A tree of ${size} leaves has ${levels.length} peaks of 32 bytes`);
    }
    const tree = new LogTree();
    levels.forEach((level, i) => tree.#last[level] = peaks[i]!);
    tree.#range = CompactRange.fromReader(size, { hashAt: (level) => tree.#last[level]! });
    return tree;
  }

  /** The number of leaves. */
  get size(): number {
    return this.#range.size;
  }

  /**
   * Appends a leaf.
   *
   * @param leafHash the leaf's hash
   * @throws {RangeError} if it is not 32 bytes
   */
  append(leafHash: Uint8Array): void {
    for (const node of this.#range.append(leafHash)) this.#last[node.level] = node.hash;
  }

  /**
   * The root of the leaves so far.
   *
   * @returns the Merkle Tree Hash
   */
  root(): Uint8Array {
    return this.#range.root();
  }

  /**
   * The peaks, largest first: with the size, all it takes to resume.
   *
   * @returns one hash per set bit of the size
   */
  peaks(): Uint8Array[] {
    return peakLevels(this.size).map((level) => this.#last[level]!);
  }
}
