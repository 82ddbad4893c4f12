/**
 * Ed25519 public keys as `node:crypto` key objects, made once per key: making
 * one decodes the point natively, which is both what a signature check needs
 * and the on-curve check of spec §1.1 at a fraction of a pure-JS decode.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createPublicKey, type KeyObject } from "node:crypto";
import { toHex } from "../protocol/mod.ts";

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** Key objects by hex key; bounded, oldest first out. */
const keys = new Map<string, KeyObject>();
/**
 * Enough for a request's point check and signature check to share one, and
 * for the keys appending now: each costs about 550 bytes of the process's
 * memory, and a flood of new keys filled 10,000 of them (5.5 MB) for nothing.
 */
const MAX_KEYS = 1_000;

/**
 * The key object of a 32-byte Ed25519 public key, or null when the bytes are
 * not the encoding of a point on the curve. The runtime's decoding reduces y
 * modulo p and takes x = 0 with either sign, so the canonicality rules of
 * §1.1 are checked apart from it (`parsePrimary` does).
 *
 * @param key the 32 key bytes
 * @returns the key object, made once and then reused, or null
 *
 * @example
 * ```ts
 * import { ed25519KeyObject } from "./ed25519_key.ts";
 * import { fromHex } from "../protocol/mod.ts";
 * const key = fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
 * if (ed25519KeyObject(key)?.asymmetricKeyType !== "ed25519") throw new Error("a key");
 * if (ed25519KeyObject(fromHex("02" + "00".repeat(31))) !== null) throw new Error("y = 2 is off the curve");
 * ```
 */
export function ed25519KeyObject(key: Uint8Array): KeyObject | null {
  const id = toHex(key);
  let object = keys.get(id);
  if (object === undefined) {
    try {
      object = createPublicKey({
        key: Buffer.from([...SPKI_PREFIX, ...key]),
        format: "der",
        type: "spki",
      });
    } catch {
      return null;
    }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, object);
  }
  return object;
}

/**
 * The on-curve check of `parsePrimary` made by the runtime: the same answers
 * as noble's decoding for every key whose y is canonical, with the key
 * object kept for the signature check that follows.
 *
 * @param key the 32 key bytes, y below p
 * @returns true when they encode a point on the curve
 *
 * @example
 * ```ts
 * import { isEd25519Point } from "./ed25519_key.ts";
 * import { parsePrimary } from "../protocol/mod.ts";
 * const p = parsePrimary(
 *   "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
 *   isEd25519Point,
 * );
 * if (p.key.length !== 32) throw new Error("parsed");
 * ```
 */
export function isEd25519Point(key: Uint8Array): boolean {
  return ed25519KeyObject(key) !== null;
}
