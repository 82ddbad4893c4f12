/**
 * The two signature algorithms of spec §4: strict Ed25519 over the message,
 * and BIP-340 Schnorr over its SHA-256.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { PrimaryScheme } from "./identifier.ts";

/** A signature algorithm of version 1. */
export type Alg = "ed25519-sha512-jcs" | "nostr-secp256k1-schnorr-sha256-jcs";

/**
 * Every algorithm of version 1.
 *
 * @example
 * ```ts
 * import { ALGS } from "./signature.ts";
 * if (!ALGS.includes("ed25519-sha512-jcs")) throw new Error("unexpected");
 * ```
 */
export const ALGS: readonly Alg[] = Object.freeze([
  "ed25519-sha512-jcs",
  "nostr-secp256k1-schnorr-sha256-jcs",
]);

const ALG_OF_SCHEME: Readonly<Record<PrimaryScheme, Alg>> = {
  ed25519: "ed25519-sha512-jcs",
  nostr: "nostr-secp256k1-schnorr-sha256-jcs",
};

/**
 * The one algorithm that signs for a primary scheme.
 *
 * @param scheme the primary's scheme
 * @returns its algorithm
 *
 * @example
 * ```ts
 * import { algForScheme } from "./signature.ts";
 * if (algForScheme("nostr") !== "nostr-secp256k1-schnorr-sha256-jcs") throw new Error("unexpected");
 * ```
 */
export function algForScheme(scheme: PrimaryScheme): Alg {
  return ALG_OF_SCHEME[scheme];
}

/**
 * Strict Ed25519 verification (RFC 8032 §5.1.7): refuses S ≥ L, non-canonical
 * R or A and a small-order A, and checks the cofactored equation.
 *
 * @param key the 32-byte public key
 * @param msg the message, signed as is
 * @param sig the 64-byte signature
 * @returns true when the signature is valid; false for any bad input
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { verifyEd25519 } from "./signature.ts";
 * const { secretKey, publicKey } = ed25519.keygen();
 * const msg = new TextEncoder().encode("hi");
 * if (!verifyEd25519(publicKey, msg, ed25519.sign(msg, secretKey))) throw new Error("valid");
 * if (verifyEd25519(publicKey, msg, new Uint8Array(63))) throw new Error("short signature");
 * ```
 */
export function verifyEd25519(key: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return ed25519.verify(sig, msg, key, { zip215: false });
  } catch {
    // noble throws, rather than answers false, for inputs of the wrong length.
    return false;
  }
}

/**
 * BIP-340 Schnorr verification over secp256k1.
 *
 * @param key the 32-byte x-only public key
 * @param msg the message, used as is (BIP-340 allows any length)
 * @param sig the 64-byte signature
 * @returns true when the signature is valid; false for any bad input
 *
 * @example
 * ```ts
 * import { schnorr } from "@noble/curves/secp256k1.js";
 * import { verifyBip340 } from "./signature.ts";
 * const { secretKey, publicKey } = schnorr.keygen();
 * const msg = new TextEncoder().encode("hi");
 * if (!verifyBip340(publicKey, msg, schnorr.sign(msg, secretKey))) throw new Error("valid");
 * if (verifyBip340(publicKey.subarray(1), msg, new Uint8Array(64))) throw new Error("short key");
 * ```
 */
export function verifyBip340(key: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return schnorr.verify(sig, msg, key);
  } catch {
    // noble throws, rather than answers false, for inputs of the wrong length.
    return false;
  }
}

/** What one algorithm does with the signed message `m` and its keys. */
interface Suite {
  verify(key: Uint8Array, m: Uint8Array, sig: Uint8Array): boolean;
  sign(secret: Uint8Array, m: Uint8Array): Uint8Array;
  publicKey(secret: Uint8Array): Uint8Array;
  generate(): Uint8Array;
}

const SUITES: ReadonlyMap<Alg, Suite> = new Map<Alg, Suite>([
  ["ed25519-sha512-jcs", {
    verify: verifyEd25519,
    sign: (secret, m) => ed25519.sign(m, secret),
    publicKey: (secret) => ed25519.getPublicKey(secret),
    generate: () => ed25519.utils.randomSecretKey(),
  }],
  ["nostr-secp256k1-schnorr-sha256-jcs", {
    verify: (key, m, sig) => verifyBip340(key, sha256(m), sig),
    // noble draws fresh auxiliary randomness per signature, as BIP-340 recommends.
    sign: (secret, m) => schnorr.sign(sha256(m), secret),
    publicKey: (secret) => schnorr.getPublicKey(secret),
    generate: () => schnorr.utils.randomSecretKey(),
  }],
]);

function suiteOf(alg: Alg): Suite {
  const suite = SUITES.get(alg);
  if (suite === undefined) {
    throw new TypeError(`Unknown signature algorithm ${JSON.stringify(alg)}`);
  }
  return suite;
}

/**
 * Verifies a signature over message `m` as `alg` defines it: Ed25519 over `m`
 * itself, BIP-340 over `SHA-256(m)`.
 *
 * @param alg the algorithm
 * @param key the 32-byte public key (x-only for nostr)
 * @param m the signed message, `JCS(payload)` for an event
 * @param sig the 64-byte signature
 * @returns true when the signature is valid; false for any bad input, never a throw
 *
 * @example
 * ```ts
 * import { generateSecret, publicKeyOf, signMessage, verifyMessage } from "./signature.ts";
 * const alg = "nostr-secp256k1-schnorr-sha256-jcs";
 * const secret = generateSecret(alg);
 * const m = new TextEncoder().encode('{"a":1}');
 * const sig = signMessage(alg, secret, m);
 * if (!verifyMessage(alg, publicKeyOf(alg, secret), m, sig)) throw new Error("valid");
 * ```
 */
export function verifyMessage(alg: Alg, key: Uint8Array, m: Uint8Array, sig: Uint8Array): boolean {
  return SUITES.get(alg)?.verify(key, m, sig) ?? false;
}

/**
 * Signs message `m` as `alg` defines it. Ed25519 is deterministic; BIP-340
 * uses fresh auxiliary randomness, so its signatures differ each time.
 *
 * @param alg the algorithm
 * @param secret a 32-byte Ed25519 seed, or a 32-byte secp256k1 secret key
 * @param m the message to sign, `JCS(payload)` for an event
 * @returns the 64-byte signature
 * @throws {Error} if the secret is not a valid secret for `alg`
 *
 * @example
 * ```ts
 * import { generateSecret, signMessage } from "./signature.ts";
 * const alg = "ed25519-sha512-jcs";
 * const sig = signMessage(alg, generateSecret(alg), new TextEncoder().encode("{}"));
 * if (sig.length !== 64) throw new Error("unexpected");
 * ```
 */
export function signMessage(alg: Alg, secret: Uint8Array, m: Uint8Array): Uint8Array {
  return suiteOf(alg).sign(secret, m);
}

/**
 * The public key of a secret.
 *
 * @param alg the algorithm
 * @param secret a 32-byte Ed25519 seed, or a 32-byte secp256k1 secret key
 * @returns the 32-byte public key, x-only for nostr
 * @throws {Error} if the secret is not a valid secret for `alg`
 *
 * @example
 * ```ts
 * import { fromHex, toHex } from "./hex.ts";
 * import { publicKeyOf } from "./signature.ts";
 * // RFC 8032 §7.1, test 1.
 * const seed = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
 * const key = toHex(publicKeyOf("ed25519-sha512-jcs", seed));
 * if (key !== "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function publicKeyOf(alg: Alg, secret: Uint8Array): Uint8Array {
  return suiteOf(alg).publicKey(secret);
}

/**
 * A fresh random secret, from the platform's `crypto.getRandomValues`.
 *
 * @param alg the algorithm
 * @returns a 32-byte Ed25519 seed, or a 32-byte secp256k1 secret key
 *
 * @example
 * ```ts
 * import { generateSecret } from "./signature.ts";
 * if (generateSecret("nostr-secp256k1-schnorr-sha256-jcs").length !== 32) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function generateSecret(alg: Alg): Uint8Array {
  return suiteOf(alg).generate();
}
