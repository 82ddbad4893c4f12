/**
 * KEZ identifiers (spec §1): primaries, which own a sigchain and carry its key,
 * and subjects, the identities a chain adds and revokes.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { bech32, bech32m } from "@scure/base";
import { KezError } from "./error.ts";
import { fromHex, isLowerHex, toHex } from "./hex.ts";
import { MAX_SUBJECT_BYTES, MAX_SUBJECT_SCHEME_CHARS } from "./limits.ts";

/** A scheme that names a primary in version 1. */
export type PrimaryScheme = "ed25519" | "nostr";

/** A parsed, valid primary identifier. */
export interface Primary {
  /** The scheme, which decides the signature algorithm. */
  readonly scheme: PrimaryScheme;
  /** The part after `scheme:`: 64 lowercase hex for ed25519, the npub for nostr. */
  readonly id: string;
  /** The canonical `scheme:id` form. */
  readonly text: string;
  /** The 32-byte Ed25519 public key, or the 32-byte x-only secp256k1 key. */
  readonly key: Uint8Array;
}

/** Long enough to recognise the input in a message, short enough to keep logs tidy. */
const MAX_ECHO = 80;

/** The bech32 HRP of a NIP-19 public key. */
const NPUB = "npub";

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_ECHO ? text.slice(0, MAX_ECHO - 1) + "…" : text);
}

function invalidPrimary(shown: string, why: string, cause?: unknown): KezError {
  return new KezError(
    "invalid_primary",
    `Cannot parse primary ${quote(shown)}: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Tells whether 32 bytes whose y is canonical (below p) encode a point on
 * the Ed25519 curve. The default is noble's RFC 8032 decoding; a runtime with
 * native Ed25519 keys can pass a faster one that gives the same answers.
 */
export type Ed25519PointCheck = (key: Uint8Array) => boolean;

/**
 * The default {@linkcode Ed25519PointCheck}: noble's RFC 8032 decoding, pure
 * JS, a BigInt square root (about 22 µs).
 *
 * @param key 32 bytes
 * @returns true when they decode to a point on the curve
 *
 * @example
 * ```ts
 * import { nobleDecodes } from "./identifier.ts";
 * import { fromHex } from "./hex.ts";
 * // y = 2 is not on the curve; y = 0 is (a point of order 4).
 * if (nobleDecodes(fromHex("02" + "00".repeat(31)))) throw new Error("off the curve");
 * if (!nobleDecodes(new Uint8Array(32))) throw new Error("on the curve");
 * ```
 */
export function nobleDecodes(key: Uint8Array): boolean {
  try {
    // zip215 = false is RFC 8032 decoding: it refuses y >= p and x = 0 with the sign bit set.
    ed25519.Point.fromBytes(key, false);
    return true;
  } catch {
    return false;
  }
}

/**
 * The encodings of the eight points of small order (the torsion subgroup),
 * canonical ones only: the others fail the y < p check first. A small-order
 * key has no secret behind it, so signatures under it could be made by
 * anyone; torsioned keys of large order stay valid (§1.1).
 *
 * @example
 * ```ts
 * import { SMALL_ORDER_ED25519_KEYS } from "./identifier.ts";
 * // The identity point: y = 1, x = 0.
 * if (!SMALL_ORDER_ED25519_KEYS.has("01" + "00".repeat(31))) throw new Error("listed");
 * ```
 */
export const SMALL_ORDER_ED25519_KEYS: ReadonlySet<string> = new Set([
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]);

/** y >= p = 2^255 - 19, little-endian, the sign bit aside: 0x7f ff … ff, then a low byte of ed or more. */
function yAtLeastP(key: Uint8Array): boolean {
  if ((key[31]! & 0x7f) !== 0x7f) return false;
  for (let i = 30; i >= 1; i--) if (key[i] !== 0xff) return false;
  return key[0]! >= 0xed;
}

/** x = 0 only at y = 1 and y = p - 1; with the sign bit set these are the two encodings of "-0". */
function negativeZeroX(id: string): boolean {
  return id === "0100000000000000000000000000000000000000000000000000000000000080" ||
    id === "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
}

function ed25519Key(text: string, id: string, onCurve: Ed25519PointCheck): Uint8Array {
  if (!isLowerHex(id, 32)) throw invalidPrimary(text, "key must be 64 lowercase hex characters");
  const key = fromHex(id);
  // The two canonicality rules of RFC 8032 decoding, checked on the bytes so
  // that any on-curve check can follow them.
  if (yAtLeastP(key) || negativeZeroX(id) || !onCurve(key)) {
    throw invalidPrimary(text, "key is not the canonical encoding of an Ed25519 point");
  }
  if (SMALL_ORDER_ED25519_KEYS.has(id)) {
    throw invalidPrimary(text, "key is a small-order Ed25519 point");
  }
  return key;
}

function nostrKey(text: string, id: string): Uint8Array {
  // bech32 itself allows an all-uppercase string, NIP-19 form does not.
  if (/[A-Z]/.test(id)) throw invalidPrimary(text, "npub must be all lowercase");
  let decoded;
  try {
    decoded = bech32.decode(id);
  } catch (cause) {
    const why = bech32m.decodeUnsafe(id) === undefined
      ? "not a valid bech32 string"
      : "npub has a bech32m checksum, NIP-19 requires bech32";
    throw invalidPrimary(text, why, cause);
  }
  if (decoded.prefix !== NPUB) {
    throw invalidPrimary(text, `expected HRP "${NPUB}", got ${quote(decoded.prefix)}`);
  }
  let key;
  try {
    key = bech32.fromWords(decoded.words);
  } catch (cause) {
    throw invalidPrimary(text, "npub payload has non-zero or excess padding bits", cause);
  }
  if (key.length !== 32) {
    throw invalidPrimary(text, `npub payload must be 32 bytes, got ${key.length}`);
  }
  try {
    schnorr.utils.lift_x(bytesToNumberBE(key));
  } catch (cause) {
    throw invalidPrimary(text, "key is not the x coordinate of a secp256k1 point", cause);
  }
  return key;
}

/**
 * Parses a primary identifier (§1.1), accepting only its canonical form.
 *
 * @param text `ed25519:` + 64 lowercase hex, or `nostr:` + a lowercase bech32 npub
 * @param onCurve tells whether an Ed25519 key is on the curve; noble's decoding by default
 * @returns the primary with its decoded public key
 * @throws {KezError} `invalid_primary` naming what is wrong
 *
 * @example
 * ```ts
 * import { parsePrimary } from "./identifier.ts";
 * const p = parsePrimary(
 *   "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
 * );
 * if (p.scheme !== "ed25519" || p.key.length !== 32) throw new Error("unexpected");
 * ```
 */
export function parsePrimary(text: string, onCurve: Ed25519PointCheck = nobleDecodes): Primary {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const primary = parseUncached(text, onCurve);
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value!);
  parsed.set(text, primary);
  return primary;
}

/**
 * Primaries already parsed, by text: decoding a key costs tens of
 * microseconds, and a server sees the same few primaries again and again.
 * Bounded, oldest first out; only valid primaries are kept. An entry holds
 * about 450 bytes: at 10,000 a run of new chains kept 4.5 MB of primaries
 * that never came back.
 */
const parsed = new Map<string, Primary>();
const MAX_PARSED = 1_000;

function parseUncached(text: string, onCurve: Ed25519PointCheck): Primary {
  const colon = text.indexOf(":");
  if (colon === -1) throw invalidPrimary(text, 'expected "scheme:id"');
  const scheme = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (scheme === "ed25519") return primary(scheme, id, text, ed25519Key(text, id, onCurve));
  if (scheme === "nostr") return primary(scheme, id, text, nostrKey(text, id));
  throw invalidPrimary(text, `unknown scheme ${quote(scheme)}, expected "ed25519" or "nostr"`);
}

// The text is canonical once its key decodes: it is kept, not rebuilt as a second string.
function primary(scheme: PrimaryScheme, id: string, text: string, key: Uint8Array): Primary {
  return Object.freeze({ scheme, id, text, key });
}

/**
 * Tells whether a string is a valid primary identifier (§1.1).
 *
 * @param text the candidate identifier
 * @returns true when {@linkcode parsePrimary} accepts it
 *
 * @example
 * ```ts
 * import { isPrimary } from "./identifier.ts";
 * if (isPrimary("ssh:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")) {
 *   throw new Error("ssh is not a primary scheme");
 * }
 * ```
 */
export function isPrimary(text: string): boolean {
  try {
    parsePrimary(text);
    return true;
  } catch {
    return false;
  }
}

function decodeSegment(raw: string, scheme: string, id: string): string {
  // Without a "%" there is nothing to decode: a primary's own segments never need escaping.
  let decoded = raw;
  if (raw.includes("%")) {
    try {
      decoded = decodeURIComponent(raw);
    } catch (cause) {
      throw invalidPrimary(`${scheme}/${id}`, "malformed percent-encoding or invalid UTF-8", cause);
    }
  }
  // A decoded "/" would let one segment pose as two (§1.3).
  if (decoded.includes("/")) {
    throw invalidPrimary(`${scheme}/${id}`, 'a segment must not contain "/"');
  }
  return decoded;
}

/**
 * Parses a primary from its two raw URL path segments (§1.3), percent-decoding
 * each one first.
 *
 * @param scheme the raw `{scheme}` segment
 * @param id the raw `{id}` segment
 * @param onCurve as for {@linkcode parsePrimary}
 * @returns the primary the decoded segments name
 * @throws {KezError} `invalid_primary` for a malformed escape, an escape to
 * invalid UTF-8 or to `/`, or segments that do not form a valid primary
 *
 * @example
 * ```ts
 * import { primaryFromPath } from "./identifier.ts";
 * const p = primaryFromPath(
 *   "ed%32%35519",
 *   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
 * );
 * if (p.scheme !== "ed25519") throw new Error("escapes are decoded");
 * ```
 */
export function primaryFromPath(
  scheme: string,
  id: string,
  onCurve: Ed25519PointCheck = nobleDecodes,
): Primary {
  return parsePrimary(
    `${decodeSegment(scheme, scheme, id)}:${decodeSegment(id, scheme, id)}`,
    onCurve,
  );
}

/**
 * The two URL path segments of a primary (§1.3); neither needs escaping.
 *
 * @param p the primary
 * @returns `scheme/id`
 *
 * @example
 * ```ts
 * import { parsePrimary, primaryPath } from "./identifier.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * if (primaryPath(parsePrimary(`ed25519:${hex}`)) !== `ed25519/${hex}`) throw new Error("unexpected");
 * ```
 */
export function primaryPath(p: Primary): string {
  return `${p.scheme}/${p.id}`;
}

/**
 * Builds the primary of a public key: lowercase hex for ed25519, an npub for
 * nostr.
 *
 * @param scheme the primary scheme
 * @param key the 32-byte Ed25519 public key, or the 32-byte x-only secp256k1 key
 * @returns the primary, checked as {@linkcode parsePrimary} checks it
 * @throws {KezError} `invalid_primary` if the key is not 32 bytes or not a valid key
 *
 * @example
 * ```ts
 * import { fromHex } from "./hex.ts";
 * import { primaryFromKey } from "./identifier.ts";
 * // The x coordinate of the secp256k1 generator.
 * const key = fromHex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
 * const p = primaryFromKey("nostr", key);
 * if (!p.text.startsWith("nostr:npub1")) throw new Error("unexpected");
 * ```
 */
export function primaryFromKey(scheme: PrimaryScheme, key: Uint8Array): Primary {
  if (key.length !== 32) {
    throw new KezError(
      "invalid_primary",
      `Cannot make a ${scheme} primary: key must be 32 bytes, got ${key.length}`,
    );
  }
  const id = scheme === "nostr" ? bech32.encode(NPUB, bech32.toWords(key)) : toHex(key);
  return parsePrimary(`${scheme}:${id}`);
}

const SUBJECT_SCHEME = new RegExp(`^[a-z][a-z0-9+.-]{0,${MAX_SUBJECT_SCHEME_CHARS - 1}}$`);

// The spec defines the forbidden characters by this exact pattern; its \s also covers U+FEFF.
// deno-lint-ignore no-control-regex
const FORBIDDEN = /[\s\u0000-\u001F\u007F-\u009F]/u;

const encoder = new TextEncoder();

function subjectProblem(text: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon === -1) return 'expected "scheme:rest"';
  if (!SUBJECT_SCHEME.test(text.slice(0, colon))) {
    return `scheme must be a lowercase letter then up to ${
      MAX_SUBJECT_SCHEME_CHARS - 1
    } of [a-z0-9+.-]`;
  }
  const rest = text.slice(colon + 1);
  if (rest === "") return "rest must not be empty";
  if (!text.isWellFormed()) return "contains a lone surrogate";
  if (FORBIDDEN.test(rest)) return "contains whitespace or a control character";
  const bytes = encoder.encode(text).length;
  if (bytes > MAX_SUBJECT_BYTES) {
    return `is ${bytes} bytes of UTF-8, at most ${MAX_SUBJECT_BYTES} allowed`;
  }
  return undefined;
}

/**
 * Checks a subject identifier (§1.2). Subjects are compared as exact strings,
 * so it is returned unchanged: no case folding, no normalization.
 *
 * @param text the candidate subject
 * @returns `text` itself
 * @throws {KezError} `invalid_event` naming what is wrong
 *
 * @example
 * ```ts
 * import { parseSubject } from "./identifier.ts";
 * if (parseSubject("web:https://jason.example/") !== "web:https://jason.example/") {
 *   throw new Error("returned unchanged");
 * }
 * ```
 */
export function parseSubject(text: string): string {
  const why = subjectProblem(text);
  if (why !== undefined) {
    throw new KezError("invalid_event", `Cannot parse subject ${quote(text)}: ${why}`);
  }
  return text;
}

/**
 * Tells whether a string is a valid subject identifier (§1.2).
 *
 * @param text the candidate subject
 * @returns true when {@linkcode parseSubject} accepts it
 *
 * @example
 * ```ts
 * import { isSubject } from "./identifier.ts";
 * if (!isSubject("github:jason")) throw new Error("valid");
 * if (isSubject("github:jason smith")) throw new Error("space is not allowed");
 * ```
 */
export function isSubject(text: string): boolean {
  return subjectProblem(text) === undefined;
}
