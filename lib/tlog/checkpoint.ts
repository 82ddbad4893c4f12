/**
 * C2SP tlog-checkpoints (c2sp.org/tlog-checkpoint) as spec §10.2 has them:
 * the note text `<origin>\n<size>\n<base64 root>\n`, with no extension lines,
 * signed by the log's Ed25519 key under the origin's name.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { HASH_SIZE } from "./merkle.ts";
import { openNote, signNote, signNoteWith } from "./note.ts";
import { TlogError } from "./tlog_error.ts";
import { isKeyName, type VerifierKey } from "./verifier_key.ts";

/** A signed tree head: the log's origin, its size and the root at that size. */
export interface Checkpoint {
  /** The log's identity, also its key name. */
  readonly origin: string;
  /** The number of leaves. */
  readonly size: number;
  /** The 32-byte RFC 6962 root of those leaves. */
  readonly root: Uint8Array;
}

/**
 * Writes a checkpoint's note text.
 *
 * @param checkpoint the tree head
 * @returns `<origin>\n<size>\n<base64 root>\n`
 * @throws {RangeError} if the origin is not a key name, the size not a safe
 * non-negative integer, or the root not 32 bytes
 *
 * @example
 * ```ts
 * import { formatCheckpoint } from "./checkpoint.ts";
 * const text = formatCheckpoint({ origin: "example.com/log", size: 0, root: new Uint8Array(32) });
 * if (text !== "example.com/log\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n") throw new Error(text);
 * ```
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root } = checkpoint;
  if (!isKeyName(origin)) throw new RangeError(`Invalid origin ${JSON.stringify(origin)}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid tree size ${size}`);
  if (root.length !== HASH_SIZE) throw new RangeError("A root hash is 32 bytes");
  return `${origin}\n${size}\n${encodeBase64(root)}\n`;
}

/**
 * Parses a checkpoint's note text strictly: exactly the three lines that
 * {@linkcode formatCheckpoint} writes, a size without leading zeros, a
 * 32-byte root, no extension lines.
 *
 * @param text the note text (not the whole signed note)
 * @returns the tree head
 * @throws {SyntaxError} if the text is not such a checkpoint
 *
 * @example
 * ```ts
 * import { parseCheckpoint } from "./checkpoint.ts";
 * const cp = parseCheckpoint("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
 * if (cp.size !== 20852163 || cp.root.length !== 32) throw new Error("unexpected");
 * ```
 */
export function parseCheckpoint(text: string): Checkpoint {
  const [origin = "", sizeText = "", rootText = "", ...rest] = text.split("\n");
  const size = Number(sizeText);
  const valid = isKeyName(origin) && /^(0|[1-9][0-9]*)$/.test(sizeText) &&
    Number.isSafeInteger(size) && rest.length === 1 && rest[0] === "";
  if (!valid) throw new SyntaxError(`Malformed checkpoint ${JSON.stringify(text)}`);
  const root = decodeBase64(rootText);
  if (root.length !== HASH_SIZE) throw new SyntaxError("A checkpoint's root is 32 bytes");
  return { origin, size, root };
}

/**
 * Parses the tree head of any C2SP checkpoint, as a witness of other logs
 * must: the first three lines as {@linkcode parseCheckpoint} reads them,
 * then any number of non-empty extension lines, which are returned as they
 * are and carry no meaning here.
 *
 * @param text the note text
 * @returns the tree head and the extension lines
 * @throws {SyntaxError} if the first three lines are not a checkpoint's or an extension line is empty
 *
 * @example
 * ```ts
 * import { parseCheckpointHead } from "./checkpoint.ts";
 * const head = parseCheckpointHead("o\n2\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextra\n");
 * if (head.checkpoint.size !== 2 || head.extensions[0] !== "extra") throw new Error("unexpected");
 * ```
 */
export function parseCheckpointHead(
  text: string,
): { readonly checkpoint: Checkpoint; readonly extensions: readonly string[] } {
  const lines = text.split("\n");
  const extensions = lines.slice(3, -1);
  if (lines.length < 4 || lines.at(-1) !== "" || extensions.some((line) => line === "")) {
    throw new SyntaxError(`Malformed checkpoint ${JSON.stringify(text)}`);
  }
  return { checkpoint: parseCheckpoint(`${lines.slice(0, 3).join("\n")}\n`), extensions };
}

/**
 * Signs a checkpoint with the log's key, whose name is the origin.
 *
 * @param checkpoint the tree head
 * @param seed the log's 32-byte Ed25519 secret seed
 * @returns the signed note
 * @throws {RangeError} as {@linkcode formatCheckpoint}, or if the seed is not 32 bytes
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { openCheckpoint, signCheckpoint } from "./checkpoint.ts";
 * import { emptyRoot } from "./merkle.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * const seed = new Uint8Array(32).fill(1);
 * const note = signCheckpoint({ origin: "example.com/log", size: 0, root: emptyRoot() }, seed);
 * const cp = openCheckpoint(note, verifierKey("example.com/log", ed25519.getPublicKey(seed)));
 * if (cp.size !== 0) throw new Error("unexpected");
 * ```
 */
export function signCheckpoint(checkpoint: Checkpoint, seed: Uint8Array): string {
  return signNote(formatCheckpoint(checkpoint), checkpoint.origin, seed);
}

/**
 * Signs a checkpoint with a signing function of the caller's (see
 * {@linkcode signNoteWith}).
 *
 * @param checkpoint the tree head
 * @param key the log's verifier key, whose name must be the origin
 * @param sign makes the Ed25519 signature of a message with the log's secret key
 * @returns the signed note
 * @throws {RangeError} as {@linkcode formatCheckpoint}, or if the origin is not the key's name
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { signCheckpoint, signCheckpointWith } from "./checkpoint.ts";
 * import { emptyRoot } from "./merkle.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * const seed = new Uint8Array(32).fill(1);
 * const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
 * const cp = { origin: "example.com/log", size: 0, root: emptyRoot() };
 * if (signCheckpointWith(cp, key, (m) => ed25519.sign(m, seed)) !== signCheckpoint(cp, seed)) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function signCheckpointWith(
  checkpoint: Checkpoint,
  key: VerifierKey,
  sign: (message: Uint8Array) => Uint8Array,
): string {
  if (checkpoint.origin !== key.name) {
    throw new RangeError(
      `Checkpoint origin ${checkpoint.origin} is not the key's name ${key.name}`,
    );
  }
  return signNoteWith(formatCheckpoint(checkpoint), key, sign);
}

/**
 * Verifies a signed checkpoint against the log's key and parses it. The
 * origin must be the key's name (spec §10.2), so that one log's key cannot
 * vouch for another log's tree.
 *
 * @param note the signed checkpoint
 * @param key the log's verifier key
 * @returns the verified tree head
 * @throws {SyntaxError} if the note or its text is malformed
 * @throws {TlogError} if the key did not sign it or the origin is not the key's name
 *
 * @example
 * ```ts
 * import { openCheckpoint } from "./checkpoint.ts";
 * import { parseVerifierKey } from "./verifier_key.ts";
 * const key = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * let refused = false;
 * try { openCheckpoint("example.com/foo\n0\nAAAA\n\n\u2014 other AAAAAAE=\n", key); } catch { refused = true; }
 * if (!refused) throw new Error("unsigned checkpoint accepted");
 * ```
 */
export function openCheckpoint(note: string, key: VerifierKey): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, key));
  if (checkpoint.origin !== key.name) {
    throw new TlogError(`Checkpoint origin ${checkpoint.origin} is not the key's name ${key.name}`);
  }
  return checkpoint;
}
