/**
 * Inclusion and consistency proofs: generated as RFC 6962 §2.1.1 PATH and
 * §2.1.2 PROOF define them, from a {@linkcode HashReader} in O(log n) reads;
 * verified with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 * @module
 */

import { equalBytes } from "../protocol/mod.ts";
import { type HashReader, subtreeHash } from "./hash_reader.ts";
import { emptyRoot, nodeHash } from "./merkle.ts";

/** Throws unless `0 ≤ low ≤ high` (or `low < high` when `strict`), all safe integers. */
function checkBounds(low: number, high: number, strict: boolean, what: string): void {
  const ok = Number.isSafeInteger(low) && Number.isSafeInteger(high) && low >= 0 &&
    (strict ? low < high : low <= high);
  if (!ok) throw new RangeError(`Invalid ${what}: ${low}, ${high}`);
}

/** The largest power of two below `n`, where RFC 6962 splits a tree of `n ≥ 2` leaves. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return split(n) * 2 === n || n === 1;
}

/**
 * The audit path of leaf `index` in the tree of the first `size` leaves
 * (RFC 6962 §2.1.1), from the leaf's sibling up to the root's child.
 *
 * @param reader the log's hashes; it may hold more than `size` leaves
 * @param index the leaf's 0-based position
 * @param size the tree size the proof is for
 * @returns the path's hashes
 * @throws {RangeError} unless `0 ≤ index < size`, or if the reader lacks a hash
 *
 * @example
 * ```ts
 * import { inclusionProof, verifyInclusion } from "./proofs.ts";
 * import { MemoryHashReader } from "./hash_reader.ts";
 * import { leafHash } from "./merkle.ts";
 * const leaves = [1, 2, 3, 4, 5].map((x) => leafHash(new Uint8Array([x])));
 * const store = new MemoryHashReader(leaves);
 * const path = inclusionProof(store, 2, 5);
 * if (!verifyInclusion(leaves[2]!, 2, 5, path, store.root())) throw new Error("unexpected");
 * ```
 */
export function inclusionProof(reader: HashReader, index: number, size: number): Uint8Array[] {
  checkBounds(index, size, true, "leaf index and tree size");
  const path: Uint8Array[] = [];
  // Walks down from the root, so the hashes come root side first.
  let [start, end] = [0, size];
  while (end - start > 1) {
    const k = split(end - start);
    if (index < start + k) {
      path.push(subtreeHash(reader, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeHash(reader, start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/**
 * Checks an audit path (RFC 9162 §2.1.3.2).
 *
 * @param leafHash the hash of the leaf claimed to be included
 * @param index the leaf's claimed position
 * @param size the size of the tree whose root is `root`
 * @param path the audit path, leaf side first
 * @param root the root of the tree of `size` leaves
 * @returns true when the path leads from the leaf at `index` to `root`
 * @throws {RangeError} unless `0 ≤ index < size`
 *
 * @example
 * ```ts
 * import { verifyInclusion } from "./proofs.ts";
 * import { leafHash } from "./merkle.ts";
 * const leaf = leafHash(new Uint8Array([7]));
 * if (!verifyInclusion(leaf, 0, 1, [], leaf)) throw new Error("a one-leaf tree's root is its leaf");
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  checkBounds(index, size, true, "leaf index and tree size");
  let [fn, sn, r] = [index, size - 1, leafHash];
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Climbs past the levels where this node has no right sibling.
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * The consistency proof from the tree of the first `from` leaves to that of
 * the first `to` (RFC 6962 §2.1.2). From size 0 it is empty, as every tree
 * extends the empty one.
 *
 * @param reader the log's hashes; it may hold more than `to` leaves
 * @param from the older tree size
 * @param to the newer tree size
 * @returns the proof's hashes
 * @throws {RangeError} unless `0 ≤ from ≤ to`, or if the reader lacks a hash
 *
 * @example
 * ```ts
 * import { consistencyProof, verifyConsistency } from "./proofs.ts";
 * import { MemoryHashReader } from "./hash_reader.ts";
 * import { leafHash } from "./merkle.ts";
 * const leaves = [1, 2, 3, 4, 5].map((x) => leafHash(new Uint8Array([x])));
 * const old = new MemoryHashReader(leaves.slice(0, 3)).root();
 * const store = new MemoryHashReader(leaves);
 * const proof = consistencyProof(store, 3, 5);
 * if (!verifyConsistency(3, 5, old, store.root(), proof)) throw new Error("unexpected");
 * ```
 */
export function consistencyProof(reader: HashReader, from: number, to: number): Uint8Array[] {
  checkBounds(from, to, false, "tree sizes");
  if (from === 0) return [];
  const proof: Uint8Array[] = [];
  let [m, start, end, whole] = [from, 0, to, true];
  while (m !== end - start) {
    const k = split(end - start);
    if (m <= k) {
      proof.push(subtreeHash(reader, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeHash(reader, start, start + k));
      [m, start, whole] = [m - k, start + k, false];
    }
  }
  // The old tree's own root is left out when the verifier already has it.
  if (!whole) proof.push(subtreeHash(reader, start, end));
  return proof.reverse();
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2): that the tree of `from`
 * leaves with root `fromRoot` is a prefix of the tree of `to` leaves with root
 * `toRoot`.
 *
 * @param from the older tree size
 * @param to the newer tree size
 * @param fromRoot the older tree's root
 * @param toRoot the newer tree's root
 * @param proof the proof's hashes
 * @returns true when the proof shows the older tree is a prefix of the newer
 * @throws {RangeError} unless `0 ≤ from ≤ to`
 *
 * @example
 * ```ts
 * import { verifyConsistency } from "./proofs.ts";
 * import { emptyRoot, leafHash } from "./merkle.ts";
 * const root = leafHash(new Uint8Array([1]));
 * if (!verifyConsistency(1, 1, root, root, [])) throw new Error("equal trees");
 * if (!verifyConsistency(0, 1, emptyRoot(), root, [])) throw new Error("from the empty tree");
 * ```
 */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  checkBounds(from, to, false, "tree sizes");
  if (from === 0) return proof.length === 0 && equalBytes(fromRoot, emptyRoot());
  if (from === to) return proof.length === 0 && equalBytes(fromRoot, toRoot);
  if (proof.length === 0) return false;
  // A power-of-two old tree is a complete subtree whose hash the proof omits.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let [fn, sn] = [from - 1, to - 1];
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      [fr, sr] = [nodeHash(c, fr), nodeHash(c, sr)];
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && equalBytes(fr, fromRoot) && equalBytes(sr, toRoot);
}
