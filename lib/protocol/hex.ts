/**
 * Lowercase hex, the one byte encoding of the wire format (keys, signatures, hashes).
 *
 * @module
 */

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

const LOWER_HEX = /^[0-9a-f]*$/;

/**
 * Tells whether a string is exactly `bytes` bytes of lowercase hex, the only
 * hex form the spec accepts.
 *
 * @param s the candidate string
 * @param bytes how many bytes it must encode
 * @returns true when `s` is `2 * bytes` characters of `[0-9a-f]`
 *
 * @example
 * ```ts
 * import { isLowerHex } from "./hex.ts";
 * if (!isLowerHex("00ff", 2)) throw new Error("lowercase hex of 2 bytes");
 * if (isLowerHex("00FF", 2)) throw new Error("uppercase is not canonical");
 * if (isLowerHex("00f", 2)) throw new Error("wrong length");
 * ```
 */
export function isLowerHex(s: string, bytes: number): boolean {
  return s.length === 2 * bytes && LOWER_HEX.test(s);
}

/**
 * Encodes bytes as lowercase hex.
 *
 * @param bytes the bytes to encode
 * @returns two lowercase hex characters per byte
 *
 * @example
 * ```ts
 * import { toHex } from "./hex.ts";
 * if (toHex(new Uint8Array([0, 171])) !== "00ab") throw new Error("unexpected");
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/**
 * Decodes hex to bytes. Either case is accepted, so callers that need the
 * canonical form check it with {@linkcode isLowerHex} first.
 *
 * @param s an even number of hex characters
 * @returns the decoded bytes
 * @throws {RangeError} if `s` has odd length or a non-hex character
 *
 * @example
 * ```ts
 * import { fromHex } from "./hex.ts";
 * const bytes = fromHex("00ab");
 * if (bytes.length !== 2 || bytes[1] !== 171) throw new Error("unexpected");
 * ```
 */
export function fromHex(s: string): Uint8Array {
  return hexToBytes(s);
}

/**
 * Tells whether two byte strings are equal. Not constant-time: for public
 * values such as hashes and keys, never for secrets.
 *
 * @param a one byte string
 * @param b the other
 * @returns true when they have the same length and bytes
 *
 * @example
 * ```ts
 * import { equalBytes } from "./hex.ts";
 * if (!equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))) throw new Error("equal");
 * if (equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))) throw new Error("lengths differ");
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
