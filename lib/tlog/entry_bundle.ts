/**
 * C2SP tlog-tiles entry bundles: the leaves of a level-0 tile, each as a
 * big-endian uint16 length then its bytes.
 *
 * @module
 */

import { MAX_LEAF_BYTES } from "../protocol/mod.ts";

/** The longest leaf a bundle can carry, the largest uint16 (spec §10's leaf limit). */
export const MAX_ENTRY_SIZE: number = MAX_LEAF_BYTES;

/**
 * Encodes leaves as an entry bundle.
 *
 * @param entries the leaves' bytes, in log order
 * @returns the bundle
 * @throws {RangeError} if a leaf is longer than {@linkcode MAX_ENTRY_SIZE}
 *
 * @example
 * ```ts
 * import { encodeEntryBundle } from "./entry_bundle.ts";
 * const bundle = encodeEntryBundle([new Uint8Array([7, 8])]);
 * if (bundle.join() !== "0,2,7,8") throw new Error("unexpected");
 * ```
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) {
      throw new RangeError(`A leaf of ${entry.length} bytes does not fit an entry bundle`);
    }
    total += 2 + entry.length;
  }
  const bundle = new Uint8Array(total);
  let at = 0;
  for (const entry of entries) {
    bundle[at] = entry.length >> 8;
    bundle[at + 1] = entry.length & 0xff;
    bundle.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bundle;
}

/**
 * Decodes an entry bundle.
 *
 * @param bundle the bundle's bytes
 * @returns the leaves, in order; views into `bundle`, not copies
 * @throws {SyntaxError} if a length runs past the end of the bundle
 *
 * @example
 * ```ts
 * import { decodeEntryBundle } from "./entry_bundle.ts";
 * const [a, b] = decodeEntryBundle(new Uint8Array([0, 1, 9, 0, 0]));
 * if (a?.join() !== "9" || b?.length !== 0) throw new Error("unexpected");
 * ```
 */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  for (let at = 0; at < bundle.length;) {
    if (at + 2 > bundle.length) throw new SyntaxError(`Entry bundle truncated at byte ${at}`);
    const end = at + 2 + (bundle[at]! << 8 | bundle[at + 1]!);
    if (end > bundle.length) throw new SyntaxError(`Entry bundle truncated at byte ${at}`);
    entries.push(bundle.subarray(at + 2, end));
    at = end;
  }
  return entries;
}
