/**
 * Ed25519 verifier keys of C2SP signed notes (c2sp.org/signed-note), in the
 * text form of spec §10.2: `<name>+<8 hex key ID>+<base64(0x01 ‖ public key)>`.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { isLowerHex, toHex } from "../protocol/mod.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";

/** The signed-note signature type of Ed25519. */
const ED25519_TYPE = 0x01;

/** A key that signs notes: its name, its 4-byte key ID and its Ed25519 public key. */
export interface VerifierKey {
  /** The key name; for a log's key, its origin. */
  readonly name: string;
  /** The key ID, `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4]`. */
  readonly id: Uint8Array;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/**
 * Tells whether a string can name a key (or be a checkpoint origin): non-empty,
 * without Unicode spaces or `+` (c2sp.org/signed-note), and without control
 * characters, which no note may contain.
 *
 * @param name the candidate name
 * @returns true when it is a valid key name
 *
 * @example
 * ```ts
 * import { isKeyName } from "./verifier_key.ts";
 * if (!isKeyName("example.com/log")) throw new Error("valid");
 * if (isKeyName("a+b") || isKeyName("a b") || isKeyName("")) throw new Error("invalid");
 * ```
 */
export function isKeyName(name: string): boolean {
  return name !== "" && name.isWellFormed() && !/[\s\u0085+]/u.test(name) &&
    ![...name].some((c) => c < " ");
}

/**
 * The key ID of a key: the first 4 bytes of
 * `SHA-256(name ‖ 0x0A ‖ type ‖ publicKey)`, the type being 0x01 for a note
 * signer's Ed25519 key and 0x04 for a `cosignature/v1` witness key.
 *
 * @param name the key name
 * @param publicKey the 32-byte public key
 * @param type the signature type byte; 0x01 by default
 * @returns the 4-byte key ID
 *
 * @example
 * ```ts
 * import { keyId } from "./verifier_key.ts";
 * const key = new Uint8Array(32);
 * if (keyId("n", key).length !== 4) throw new Error("unexpected");
 * if (keyId("n", key).join() === keyId("n", key, 0x04).join()) throw new Error("types differ");
 * ```
 */
export function keyId(
  name: string,
  publicKey: Uint8Array,
  type: number = ED25519_TYPE,
): Uint8Array {
  const name8 = new TextEncoder().encode(name);
  return sha256.create().update(name8).update(new Uint8Array([0x0a, type]))
    .update(publicKey).digest().slice(0, 4);
}

/**
 * Builds the verifier key of a name and an Ed25519 public key.
 *
 * @param name the key name (a log's origin)
 * @param publicKey the 32-byte public key
 * @returns the verifier key, with its key ID
 * @throws {RangeError} if the name is not a key name or the key is not 32 bytes
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { verifierKey } from "./verifier_key.ts";
 * const key = verifierKey("example.com/log", ed25519.getPublicKey(new Uint8Array(32)));
 * if (key.id.length !== 4) throw new Error("unexpected");
 * ```
 */
export function verifierKey(name: string, publicKey: Uint8Array): VerifierKey {
  if (!isKeyName(name)) throw new RangeError(`Invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new RangeError("An Ed25519 public key is 32 bytes");
  return { name, id: keyId(name, publicKey), publicKey };
}

/**
 * Writes a verifier key in its text form.
 *
 * @param key the key
 * @returns `<name>+<8 lowercase hex key ID>+<base64(0x01 ‖ public key)>`
 *
 * @example
 * ```ts
 * import { formatVerifierKey, parseVerifierKey } from "./verifier_key.ts";
 * const text = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
 * if (formatVerifierKey(parseVerifierKey(text)) !== text) throw new Error("unexpected");
 * ```
 */
export function formatVerifierKey(key: VerifierKey): string {
  const typed = new Uint8Array([ED25519_TYPE, ...key.publicKey]);
  return `${key.name}+${toHex(key.id)}+${encodeBase64(typed)}`;
}

/**
 * Parses a verifier key. Only the form {@linkcode formatVerifierKey} writes is
 * accepted (lowercase hex, canonical base64), and the key ID must be the
 * one the name and public key give, so a pinned key string means one key.
 *
 * @param text the verifier key's text
 * @returns the key
 * @throws {SyntaxError} if the text is malformed, the type is not Ed25519, or
 * the key ID does not match
 *
 * @example
 * ```ts
 * import { parseVerifierKey } from "./verifier_key.ts";
 * const key = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * if (key.name !== "example.com/foo" || key.publicKey.length !== 32) throw new Error("unexpected");
 * ```
 */
export function parseVerifierKey(text: string): VerifierKey {
  // The name has no `+` and the ID is hex, so the first two `+` delimit them;
  // base64 may contain more.
  const first = text.indexOf("+");
  const second = text.indexOf("+", first + 1);
  const [name, id] = [text.slice(0, first), text.slice(first + 1, second)];
  if (first < 0 || second < 0 || !isKeyName(name) || !isLowerHex(id, 4)) {
    throw new SyntaxError(`Malformed verifier key ${JSON.stringify(text)}`);
  }
  const typed = decodeBase64(text.slice(second + 1));
  if (typed.length !== 33 || typed[0] !== ED25519_TYPE) {
    throw new SyntaxError("A verifier key must be an Ed25519 key: 0x01 and 32 bytes");
  }
  const key = verifierKey(name, typed.slice(1));
  if (toHex(key.id) !== id) throw new SyntaxError(`Verifier key ID ${id} does not match its key`);
  return key;
}
