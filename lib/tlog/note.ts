/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519: a text ending in a
 * newline, an empty line, then one `— <name> <base64(key ID ‖ signature)>`
 * line per signature.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { verifyEd25519 } from "../protocol/mod.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { TlogError } from "./tlog_error.ts";
import { isKeyName, type VerifierKey, verifierKey } from "./verifier_key.ts";

/** U+2014 EM DASH and a space, the start of every signature line. */
const SIGNATURE_PREFIX = "\u2014 ";
/** More signature lines than this make a note malformed; the C2SP floor is 16. */
const MAX_SIGNATURES = 100;

/** One signature line of a note. */
export interface NoteSignature {
  /** The signing key's name. */
  readonly name: string;
  /** The signing key's 4-byte ID. */
  readonly id: Uint8Array;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

/** A signed note split into its text and its signature lines, none verified. */
export interface Note {
  /** The signed text, final newline included. */
  readonly text: string;
  /** The signature lines, in order. */
  readonly signatures: readonly NoteSignature[];
}

/** Tells whether a text is free of what no note may contain: ill-formed UTF-16, controls but `\n`. */
function isNoteText(text: string): boolean {
  return text.isWellFormed() && ![...text].some((c) => c < " " && c !== "\n");
}

/**
 * Splits a signed note at its last empty line and parses its signature lines.
 *
 * @param note the whole note
 * @returns its text and signature lines
 * @throws {SyntaxError} if the note is malformed
 *
 * @example
 * ```ts
 * import { parseNote } from "./note.ts";
 * const note = parseNote("hello\n\n\u2014 someone AAAAAAE=\n");
 * if (note.text !== "hello\n" || note.signatures[0]?.name !== "someone") throw new Error("unexpected");
 * ```
 */
export function parseNote(note: string): Note {
  if (!isNoteText(note)) throw new SyntaxError("A note has no control characters but newlines");
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) {
    throw new SyntaxError("A note needs text, an empty line and signatures");
  }
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) {
    throw new SyntaxError(`A note has at most ${MAX_SIGNATURES} signatures`);
  }
  const signatures = lines.map((line) => {
    const space = line.indexOf(" ", SIGNATURE_PREFIX.length);
    const name = line.slice(SIGNATURE_PREFIX.length, space);
    if (!line.startsWith(SIGNATURE_PREFIX) || space < 0 || !isKeyName(name)) {
      throw new SyntaxError(`Malformed signature line ${JSON.stringify(line)}`);
    }
    const bytes = decodeBase64(line.slice(space + 1));
    if (bytes.length < 5) throw new SyntaxError("A signature is a key ID and at least one byte");
    return { name, id: bytes.slice(0, 4), signature: bytes.slice(4) };
  });
  return { text: note.slice(0, split + 1), signatures };
}

/**
 * Signs a text as a note with an Ed25519 key.
 *
 * @param text the text, ending in a newline
 * @param name the key name (for a checkpoint, the log's origin)
 * @param seed the 32-byte Ed25519 secret seed
 * @returns the note: the text, an empty line and one signature line
 * @throws {RangeError} if the text does not end in a newline or has control
 * characters, the name is not a key name, or the seed is not 32 bytes
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { signNote, verifyNote } from "./note.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * const seed = new Uint8Array(32).fill(7);
 * const note = signNote("hello\n", "example.com/log", seed);
 * if (!verifyNote(note, verifierKey("example.com/log", ed25519.getPublicKey(seed)))) throw new Error("unexpected");
 * ```
 */
export function signNote(text: string, name: string, seed: Uint8Array): string {
  if (seed.length !== 32) throw new RangeError("An Ed25519 seed is 32 bytes");
  const key = verifierKey(name, ed25519.getPublicKey(seed));
  return signNoteWith(text, key, (message) => ed25519.sign(message, seed));
}

/**
 * Signs a note with a signing function of the caller's: a server that signs
 * after every commit uses its platform's Ed25519, an order of magnitude
 * faster than a pure-JS one, and keeps its key out of this module.
 *
 * @param text the note's text, ending in a newline
 * @param key the signer's verifier key: its name and the public key the ID is made of
 * @param sign makes the 64-byte Ed25519 signature of a message with the key's secret
 * @returns the note: the text, an empty line and one signature line
 * @throws {RangeError} if the text does not end in a newline or has control
 * characters, or the signature is not 64 bytes
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { signNote, signNoteWith } from "./note.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * const seed = new Uint8Array(32).fill(7);
 * const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
 * const note = signNoteWith("hello\n", key, (m) => ed25519.sign(m, seed));
 * if (note !== signNote("hello\n", "example.com/log", seed)) throw new Error("unexpected");
 * ```
 */
export function signNoteWith(
  text: string,
  key: VerifierKey,
  sign: (message: Uint8Array) => Uint8Array,
): string {
  if (!isNoteText(text) || !text.endsWith("\n")) {
    throw new RangeError("A note's text ends in a newline and has no other control characters");
  }
  const signature = sign(new TextEncoder().encode(text));
  if (signature.length !== 64) throw new RangeError("An Ed25519 signature is 64 bytes");
  return `${text}\n${formatSignatureLine(key.name, key.id, signature)}`;
}

/**
 * Writes one signature line of a note: the em dash, the key's name and the
 * base64 of its key ID and signature bytes, ending in a newline.
 *
 * @param name the key name
 * @param id the 4-byte key ID
 * @param signature the signature bytes (for a cosignature, its timestamp and signature)
 * @returns `— <name> <base64(id ‖ signature)>\n`
 *
 * @example
 * ```ts
 * import { formatSignatureLine } from "./note.ts";
 * const line = formatSignatureLine("someone", new Uint8Array(4), new Uint8Array([1]));
 * if (line !== "\u2014 someone AAAAAAE=\n") throw new Error(line);
 * ```
 */
export function formatSignatureLine(name: string, id: Uint8Array, signature: Uint8Array): string {
  const signed = new Uint8Array(id.length + signature.length);
  signed.set(id);
  signed.set(signature, id.length);
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(signed)}\n`;
}

/**
 * Verifies a note against one key and returns its text. Signature lines of
 * other keys (another name or ID) are ignored, as C2SP requires, so that
 * witnesses can add cosignatures; every line of this key must verify.
 *
 * @param note the whole note
 * @param key the trusted key
 * @returns the note's text
 * @throws {SyntaxError} if the note is malformed
 * @throws {TlogError} if the key did not sign it, or one of its signatures fails
 *
 * @example
 * ```ts
 * import { openNote } from "./note.ts";
 * import { parseVerifierKey } from "./verifier_key.ts";
 * const key = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * const note = "This is an example message.\n\n\u2014 example.com/foo " +
 *   "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
 * if (openNote(note, key) !== "This is an example message.\n") throw new Error("unexpected");
 * ```
 */
export function openNote(note: string, key: VerifierKey): string {
  const { text, signatures } = parseNote(note);
  const ours = signatures.filter((s) =>
    s.name === key.name && s.id.every((b, i) => b === key.id[i])
  );
  if (ours.length === 0) throw new TlogError(`The note has no signature by ${key.name}`);
  const message = new TextEncoder().encode(text);
  if (!ours.every((s) => verifyEd25519(key.publicKey, message, s.signature))) {
    throw new TlogError(`A signature by ${key.name} does not verify`);
  }
  return text;
}

/**
 * Tells whether a note is well formed and verifies against a key, as
 * {@linkcode openNote} decides it.
 *
 * @param note the whole note
 * @param key the trusted key
 * @returns true when {@linkcode openNote} would return the text
 *
 * @example
 * ```ts
 * import { verifyNote } from "./note.ts";
 * import { parseVerifierKey } from "./verifier_key.ts";
 * const key = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * if (verifyNote("forged\n\n\u2014 example.com/foo Uw2QOgAAAAA=\n", key)) throw new Error("unexpected");
 * ```
 */
export function verifyNote(note: string, key: VerifierKey): boolean {
  try {
    openNote(note, key);
    return true;
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof TlogError) return false;
    throw e;
  }
}
