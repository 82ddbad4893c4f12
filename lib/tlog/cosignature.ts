/**
 * C2SP `cosignature/v1` (c2sp.org/tlog-cosignature): a witness's timestamped
 * Ed25519 signature over a checkpoint, written as one more signature line of
 * the checkpoint's note. Its key has signature type 0x04, so its key ID
 * differs from the same key's as a note signer, and its message is
 * `cosignature/v1\ntime <T>\n` followed by the checkpoint's whole text.
 *
 * @module
 */

import { verifyEd25519 } from "../protocol/mod.ts";
import { formatSignatureLine, type NoteSignature } from "./note.ts";
import { isKeyName, keyId } from "./verifier_key.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { toHex } from "../protocol/mod.ts";

/** The signed-note signature type of `cosignature/v1` with Ed25519. */
export const COSIGNATURE_TYPE = 0x04;

/** A witness's key: its name, its 4-byte key ID (type 0x04) and its Ed25519 public key. */
export interface CosignerKey {
  /** The witness's name, the key name of its signature lines. */
  readonly name: string;
  /** `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ publicKey)[:4]`. */
  readonly id: Uint8Array;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A verified cosignature: whose, and when the witness says it signed. */
export interface Cosignature {
  /** The witness's key. */
  readonly key: CosignerKey;
  /** The POSIX time of the signature, in seconds. */
  readonly timestamp: number;
}

/**
 * Builds a witness key from its name and Ed25519 public key.
 *
 * @param name the witness's name
 * @param publicKey the 32-byte public key
 * @returns the key, with its type-0x04 key ID
 * @throws {RangeError} if the name is not a key name or the key is not 32 bytes
 *
 * @example
 * ```ts
 * import { cosignerKey } from "./cosignature.ts";
 * const key = cosignerKey("witness.example/w1", new Uint8Array(32));
 * if (key.id.length !== 4) throw new Error("unexpected");
 * ```
 */
export function cosignerKey(name: string, publicKey: Uint8Array): CosignerKey {
  if (!isKeyName(name)) throw new RangeError(`Invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new RangeError("An Ed25519 public key is 32 bytes");
  return { name, id: keyId(name, publicKey, COSIGNATURE_TYPE), publicKey };
}

/**
 * Writes a witness key as a vkey: `<name>+<8 hex key ID>+<base64(0x04 ‖ key)>`.
 *
 * @param key the witness key
 * @returns the vkey text
 *
 * @example
 * ```ts
 * import { formatCosignerKey, parseCosignerKey } from "./cosignature.ts";
 * const text = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
 * if (formatCosignerKey(parseCosignerKey(text)) !== text) throw new Error("unexpected");
 * ```
 */
export function formatCosignerKey(key: CosignerKey): string {
  const typed = new Uint8Array([COSIGNATURE_TYPE, ...key.publicKey]);
  return `${key.name}+${toHex(key.id)}+${encodeBase64(typed)}`;
}

/**
 * Parses a witness vkey of type 0x04, whose key ID must be the one its name
 * and key give.
 *
 * @param text the vkey
 * @returns the witness key
 * @throws {SyntaxError} if the text is malformed, not of type 0x04, or its ID does not match
 *
 * @example
 * ```ts
 * import { parseCosignerKey } from "./cosignature.ts";
 * const key = parseCosignerKey("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
 * if (key.name !== "remora.n621.de") throw new Error("unexpected");
 * ```
 */
export function parseCosignerKey(text: string): CosignerKey {
  const [name = "", id = "", material = "", ...rest] = text.split("+");
  // The name has no `+`, but base64 may: rejoin what follows the ID.
  const typed = decodeBase64([material, ...rest].join("+"));
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(id)) {
    throw new SyntaxError(`Malformed witness key ${JSON.stringify(text)}`);
  }
  if (typed.length !== 33 || typed[0] !== COSIGNATURE_TYPE) {
    throw new SyntaxError("A witness key must be a cosignature/v1 key: 0x04 and 32 bytes");
  }
  const key = cosignerKey(name, typed.slice(1));
  if (toHex(key.id) !== id) throw new SyntaxError(`Witness key ID ${id} does not match its key`);
  return key;
}

/**
 * The message a `cosignature/v1` signs: the header line, the time line and
 * the checkpoint's whole note text.
 *
 * @param text the checkpoint's note text, final newline included
 * @param timestamp the POSIX time in seconds
 * @returns the bytes to sign
 * @throws {RangeError} if the timestamp is not a safe non-negative integer
 *
 * @example
 * ```ts
 * import { cosignatureMessage } from "./cosignature.ts";
 * const m = new TextDecoder().decode(cosignatureMessage("o\n1\nAA==\n", 1679315147));
 * if (m !== "cosignature/v1\ntime 1679315147\no\n1\nAA==\n") throw new Error(m);
 * ```
 */
export function cosignatureMessage(text: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`Invalid cosignature timestamp ${timestamp}`);
  }
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/**
 * Cosigns a checkpoint's text: the signature line a witness answers.
 *
 * @param text the checkpoint's note text
 * @param key the witness's key
 * @param timestamp the POSIX time in seconds
 * @param sign makes the Ed25519 signature of a message with the witness's secret key
 * @returns the line `— <name> <base64(key ID ‖ timestamp ‖ signature)>\n`
 * @throws {RangeError} if the timestamp is invalid or the signature is not 64 bytes
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { cosign, cosignerKey, verifyCosignature } from "./cosignature.ts";
 * import { parseNote } from "./note.ts";
 * const seed = new Uint8Array(32).fill(3);
 * const key = cosignerKey("w.example/w1", ed25519.getPublicKey(seed));
 * const text = "o\n1\nAA==\n";
 * const line = cosign(text, key, 100, (m) => ed25519.sign(m, seed));
 * const [sig] = parseNote(`${text}\n${line}`).signatures;
 * if (verifyCosignature(sig!, text, key)?.timestamp !== 100) throw new Error("unexpected");
 * ```
 */
export function cosign(
  text: string,
  key: CosignerKey,
  timestamp: number,
  sign: (message: Uint8Array) => Uint8Array,
): string {
  const signature = sign(cosignatureMessage(text, timestamp));
  if (signature.length !== 64) throw new RangeError("An Ed25519 signature is 64 bytes");
  const body = new Uint8Array(8 + 64);
  new DataView(body.buffer).setBigUint64(0, BigInt(timestamp));
  body.set(signature, 8);
  return formatSignatureLine(key.name, key.id, body);
}

/**
 * Reads the timestamp of a `cosignature/v1` signature line without checking it.
 *
 * @param signature a parsed signature line
 * @returns the POSIX time in seconds
 * @throws {SyntaxError} if the line is not 8 bytes of time and 64 of signature, or the
 *   time is beyond what a number holds exactly (no honest witness's clock is there)
 *
 * @example
 * ```ts
 * import { cosignatureTimestamp } from "./cosignature.ts";
 * import { parseNote } from "./note.ts";
 * const line = "\u2014 w ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==";
 * const [sig] = parseNote(`t\n\n${line}\n`).signatures;
 * if (cosignatureTimestamp(sig!) !== 1727964367) throw new Error("unexpected");
 * ```
 */
export function cosignatureTimestamp(signature: NoteSignature): number {
  const bytes = signature.signature;
  if (bytes.length !== 8 + 64) {
    throw new SyntaxError("A cosignature/v1 is an 8-byte timestamp and a 64-byte signature");
  }
  const time = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SyntaxError(`Cosignature timestamp ${time} is out of range`);
  }
  return Number(time);
}

/**
 * Verifies one signature line as a witness's `cosignature/v1` of a text.
 * A line of another key (another name or key ID) is not this witness's and
 * gives null, as does a line of this key that does not verify.
 *
 * @param signature a parsed signature line
 * @param text the checkpoint's note text
 * @param key the witness's key
 * @returns the cosignature, or null when the line is not a valid one of this key
 *
 * @example
 * ```ts
 * import { cosignerKey, verifyCosignature } from "./cosignature.ts";
 * const key = cosignerKey("w", new Uint8Array(32).fill(1));
 * const line = { name: "w", id: key.id, signature: new Uint8Array(72) };
 * if (verifyCosignature(line, "t\n", key) !== null) throw new Error("a zero signature verified");
 * ```
 */
export function verifyCosignature(
  signature: NoteSignature,
  text: string,
  key: CosignerKey,
): Cosignature | null {
  if (signature.name !== key.name || !signature.id.every((b, i) => b === key.id[i])) return null;
  let timestamp: number;
  try {
    timestamp = cosignatureTimestamp(signature);
  } catch {
    return null;
  }
  const ok = verifyEd25519(
    key.publicKey,
    cosignatureMessage(text, timestamp),
    signature.signature.subarray(8),
  );
  return ok ? { key, timestamp } : null;
}
