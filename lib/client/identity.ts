/**
 * Identities: a signing key, its primary, and the text form of its secret —
 * NIP-19 `nsec1…` for nostr, `ed25519-seed:<64 hex>` for ed25519.
 *
 * @module
 */

import { bech32 } from "@scure/base";
import {
  algForScheme,
  fromHex,
  generateSecret,
  isLowerHex,
  primaryFromKey,
  type PrimaryScheme,
  publicKeyOf,
  type SigningKey,
  toHex,
} from "../protocol/mod.ts";

/** The bech32 HRP of a NIP-19 secret key. */
const NSEC = "nsec";
const SEED = "ed25519-seed:";

/**
 * A fresh random signing key.
 *
 * @param scheme the primary scheme it signs for
 * @returns the key
 *
 * @example
 * ```ts
 * import { generateKey } from "./identity.ts";
 * if (generateKey("nostr").secret.length !== 32) throw new Error("unexpected");
 * ```
 */
export function generateKey(scheme: PrimaryScheme): SigningKey {
  const alg = algForScheme(scheme);
  return { alg, secret: generateSecret(alg) };
}

/**
 * The primary a key signs for.
 *
 * @param key the signing key
 * @returns `ed25519:<hex>` or `nostr:npub1…`
 * @throws {Error} when the secret is not a valid secret for its algorithm
 *
 * @example
 * ```ts
 * import { primaryOfKey } from "./identity.ts";
 * import { fromHex } from "../protocol/mod.ts";
 * // RFC 8032 §7.1, test 1.
 * const secret = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
 * const primary = primaryOfKey({ alg: "ed25519-sha512-jcs", secret });
 * if (primary !== "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a") {
 *   throw new Error(primary);
 * }
 * ```
 */
export function primaryOfKey(key: SigningKey): string {
  const scheme = key.alg === "ed25519-sha512-jcs" ? "ed25519" : "nostr";
  return primaryFromKey(scheme, publicKeyOf(key.alg, key.secret)).text;
}

/**
 * Writes a secret as text: `nsec1…` (NIP-19) or `ed25519-seed:<64 hex>`.
 *
 * @param key the signing key
 * @returns the secret's text form
 *
 * @example
 * ```ts
 * import { decodeSecret, encodeSecret, generateKey } from "./identity.ts";
 * const key = generateKey("nostr");
 * const text = encodeSecret(key);
 * if (!text.startsWith("nsec1") || decodeSecret(text).secret.join() !== key.secret.join()) {
 *   throw new Error("round trip");
 * }
 * ```
 */
export function encodeSecret(key: SigningKey): string {
  return key.alg === "ed25519-sha512-jcs"
    ? SEED + toHex(key.secret)
    : bech32.encode(NSEC, bech32.toWords(key.secret));
}

function invalid(why: string, cause?: unknown): TypeError {
  return new TypeError(
    `Cannot read secret: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}

function nsecSecret(text: string): Uint8Array {
  let decoded;
  try {
    decoded = bech32.decode(text as `${string}1${string}`);
  } catch (cause) {
    // The library's message may quote the input, which is a secret.
    throw invalid("not a valid bech32 string", cause);
  }
  if (decoded.prefix !== NSEC) throw invalid(`expected HRP "${NSEC}", got "${decoded.prefix}"`);
  let secret;
  try {
    secret = bech32.fromWords(decoded.words);
  } catch (cause) {
    throw invalid("nsec payload has non-zero or excess padding bits", cause);
  }
  if (secret.length !== 32) throw invalid(`nsec must hold 32 bytes, got ${secret.length}`);
  return secret;
}

/**
 * Reads a secret's text form. Only the canonical lowercase forms are taken,
 * as for primaries.
 *
 * @param text `nsec1…` or `ed25519-seed:<64 lowercase hex>`
 * @returns the signing key
 * @throws {TypeError} naming what is wrong; the message never echoes the secret
 *
 * @example
 * ```ts
 * import { decodeSecret } from "./identity.ts";
 * const key = decodeSecret("ed25519-seed:" + "9d".repeat(32));
 * if (key.alg !== "ed25519-sha512-jcs") throw new Error("unexpected");
 * ```
 */
export function decodeSecret(text: string): SigningKey {
  let key: SigningKey;
  if (text.startsWith(SEED)) {
    const hex = text.slice(SEED.length);
    if (!isLowerHex(hex, 32)) throw invalid("an ed25519 seed must be 64 lowercase hex characters");
    key = { alg: "ed25519-sha512-jcs", secret: fromHex(hex) };
  } else if (text.startsWith(NSEC + "1")) {
    if (text !== text.toLowerCase()) throw invalid("nsec must be all lowercase");
    key = { alg: "nostr-secp256k1-schnorr-sha256-jcs", secret: nsecSecret(text) };
  } else {
    throw invalid(`expected "nsec1…" or "${SEED}<64 hex>"`);
  }
  try {
    publicKeyOf(key.alg, key.secret);
  } catch (cause) {
    throw invalid("not a valid secret key", cause);
  }
  return key;
}
