/**
 * RFC 6962 §2.1 written out as its definitions read, with no code shared with
 * lib/tlog: the known answers the library is compared against.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";

/** `SHA-256(0x00 ‖ d)`, RFC 6962 §2.1. */
export function naiveLeafHash(d: Uint8Array): Uint8Array {
  return sha256(new Uint8Array([0, ...d]));
}

/** Leaf data for tests: distinct, of varied lengths. */
export function testLeaves(n: number): Uint8Array[] {
  return Array.from(
    { length: n },
    (_, i) => new TextEncoder().encode(`leaf ${i} ${"x".repeat(i % 7)}`),
  );
}

/** The largest power of two smaller than n (n > 1): "k < n <= 2k". */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/**
 * MTH(D[start:end]) over leaf hashes, by the recursive definition:
 * MTH({}) = SHA-256(); MTH({d}) = leaf hash; else SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])).
 */
export function naiveMth(
  leafHashes: readonly Uint8Array[],
  start = 0,
  end = leafHashes.length,
): Uint8Array {
  const n = end - start;
  if (n === 0) return sha256(new Uint8Array());
  if (n === 1) return leafHashes[start]!;
  const split = start + k(n);
  const left = naiveMth(leafHashes, start, split);
  const right = naiveMth(leafHashes, split, end);
  return sha256(new Uint8Array([1, ...left, ...right]));
}

/** PATH(m, D[n]), RFC 6962 §2.1.1, over D = leafHashes[0:n]. */
export function naivePath(m: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  const n = leafHashes.length;
  if (n === 1) return [];
  const split = k(n);
  const [left, right] = [leafHashes.slice(0, split), leafHashes.slice(split)];
  return m < split
    ? [...naivePath(m, left), naiveMth(right)]
    : [...naivePath(m - split, right), naiveMth(left)];
}

/** SUBPROOF(m, D[n], b), RFC 6962 §2.1.2. */
function subproof(m: number, leafHashes: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leafHashes.length;
  if (m === n) return b ? [] : [naiveMth(leafHashes)];
  const split = k(n);
  const [left, right] = [leafHashes.slice(0, split), leafHashes.slice(split)];
  return m <= split
    ? [...subproof(m, left, b), naiveMth(right)]
    : [...subproof(m - split, right, false), naiveMth(left)];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 6962 §2.1.2. */
export function naiveProof(m: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leafHashes, true);
}
