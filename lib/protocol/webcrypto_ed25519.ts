/**
 * Ed25519 verification on WebCrypto, with the strict checks of spec §4 done
 * first: WebCrypto checks the cofactorless equation, which §4 allows after
 * the same strict checks, and runs off the calling thread.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { equalBytes, fromHex, toHex } from "./hex.ts";
import { verifyEd25519 } from "./signature.ts";

/** Little-endian bytes of the group order L = 2^252 + 27742317777372353535851937790883648493. */
const L = fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
/** Little-endian bytes of the field prime p = 2^255 - 19, and of p - 1. */
const P = fromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
const P_MINUS_1 = fromHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
const ONE = fromHex("0100000000000000000000000000000000000000000000000000000000000000");

/** Imported keys, by hex; bounded so that many distinct keys cannot grow it without end. */
const keys = new Map<string, Promise<CryptoKey | null>>();
const MAX_KEYS = 10_000;

/** Compares two 32-byte little-endian numbers. */
function below(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (a[i] !== b[i]) return a[i]! < b[i]!;
  }
  return false;
}

/**
 * The strict checks of spec §4 on Ed25519 signature bytes, which a
 * cofactorless verifier must be preceded by: S < L, and R a canonical
 * encoding (y < p, and not x = 0 with the sign bit set, which only y = ±1 can have).
 *
 * @param sig the signature
 * @returns true when the bytes pass
 *
 * @example
 * ```ts
 * import { isStrictEd25519Signature } from "./webcrypto_ed25519.ts";
 * if (isStrictEd25519Signature(new Uint8Array(64).fill(0xff))) throw new Error("S >= L");
 * ```
 */
export function isStrictEd25519Signature(sig: Uint8Array): boolean {
  if (sig.length !== 64 || !below(sig.subarray(32), L)) return false;
  const y = sig.slice(0, 32);
  const sign = y[31]! >> 7;
  y[31]! &= 0x7f;
  if (!below(y, P)) return false;
  return !(sign === 1 && (equalBytes(y, ONE) || equalBytes(y, P_MINUS_1)));
}

/** A valid key: the canonical encoding of a point that is not of small order. */
function strictKey(key: Uint8Array): boolean {
  try {
    return key.length === 32 && !ed25519.Point.fromBytes(key, false).isSmallOrder();
  } catch {
    return false;
  }
}

function importKey(key: Uint8Array): Promise<CryptoKey | null> {
  const id = toHex(key);
  let imported = keys.get(id);
  if (imported === undefined) {
    imported = strictKey(key)
      ? crypto.subtle.importKey("raw", key.slice(), { name: "Ed25519" }, false, ["verify"])
        // A platform without Ed25519 in WebCrypto falls back to the pure check below.
        .catch(() => null)
      : Promise.resolve(null);
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, imported);
  }
  return imported;
}

/**
 * Verifies an Ed25519 signature as spec §4 allows: the strict checks (S < L,
 * canonical R and A, A not of small order), then WebCrypto's cofactorless
 * equation. Each key is imported once and kept.
 *
 * @param key the 32-byte public key
 * @param msg the message, signed as is
 * @param sig the 64-byte signature
 * @returns true when valid; false for any bad input
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { verifyEd25519Async } from "./webcrypto_ed25519.ts";
 * const { secretKey, publicKey } = ed25519.keygen();
 * const msg = new TextEncoder().encode("hi");
 * if (!(await verifyEd25519Async(publicKey, msg, ed25519.sign(msg, secretKey)))) throw new Error("valid");
 * ```
 */
export async function verifyEd25519Async(
  key: Uint8Array,
  msg: Uint8Array,
  sig: Uint8Array,
): Promise<boolean> {
  if (!isStrictEd25519Signature(sig)) return false;
  const cryptoKey = await importKey(key);
  if (cryptoKey === null) return strictKey(key) && verifyEd25519(key, msg, sig);
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, sig.slice(), msg.slice());
  } catch {
    return false;
  }
}
