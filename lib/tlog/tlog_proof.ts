/**
 * C2SP tlog-proofs (c2sp.org/tlog-proof@v1): an offline-checkable proof that
 * a leaf is in a log, made of its index, its audit path and a signed
 * checkpoint.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { type Checkpoint, openCheckpoint } from "./checkpoint.ts";
import { HASH_SIZE, leafHash } from "./merkle.ts";
import { verifyInclusion } from "./proofs.ts";
import { TlogError } from "./tlog_error.ts";
import type { VerifierKey } from "./verifier_key.ts";

const HEADER = "c2sp.org/tlog-proof@v1\n";

/** The parts of a tlog-proof. */
export interface TlogProof {
  /** Opaque, unauthenticated data of the `extra` line; this server writes none. */
  readonly extra?: Uint8Array;
  /** The leaf's 0-based index. */
  readonly index: number;
  /** The leaf's audit path in the checkpoint's tree, leaf side first. */
  readonly path: readonly Uint8Array[];
  /** The signed checkpoint, verbatim. */
  readonly checkpoint: string;
}

/** A tlog-proof that holds: which leaf, in which verified tree. */
export interface OpenedTlogProof {
  /** The leaf's index. */
  readonly index: number;
  /** The verified checkpoint the leaf is in. */
  readonly checkpoint: Checkpoint;
  /** That checkpoint's signed note, verbatim: evidence to keep. */
  readonly note: string;
}

/**
 * Writes a tlog-proof: the header line, `extra` if any, `index <I>`, one
 * base64 hash a line, an empty line, and the checkpoint verbatim.
 *
 * @param proof the parts
 * @returns the proof's text
 * @throws {RangeError} if the index is not a safe non-negative integer or a hash is not 32 bytes
 *
 * @example
 * ```ts
 * import { formatTlogProof } from "./tlog_proof.ts";
 * const text = formatTlogProof({ index: 0, path: [], checkpoint: "cp\n\n\u2014 k AAAAAAE=\n" });
 * if (text !== "c2sp.org/tlog-proof@v1\nindex 0\n\ncp\n\n\u2014 k AAAAAAE=\n") throw new Error(text);
 * ```
 */
export function formatTlogProof(proof: TlogProof): string {
  if (!Number.isSafeInteger(proof.index) || proof.index < 0) {
    throw new RangeError(`Invalid leaf index ${proof.index}`);
  }
  if (proof.path.some((h) => h.length !== HASH_SIZE)) throw new RangeError("A hash is 32 bytes");
  const extra = proof.extra === undefined ? "" : `extra ${encodeBase64(proof.extra)}\n`;
  const hashes = proof.path.map((h) => `${encodeBase64(h)}\n`).join("");
  return `${HEADER}${extra}index ${proof.index}\n${hashes}\n${proof.checkpoint}`;
}

/**
 * Parses a tlog-proof without checking it.
 *
 * @param text the proof's text
 * @returns its parts; the checkpoint is everything after the empty line
 * @throws {SyntaxError} if the text is not a tlog-proof
 *
 * @example
 * ```ts
 * import { parseTlogProof } from "./tlog_proof.ts";
 * const proof = parseTlogProof("c2sp.org/tlog-proof@v1\nindex 3\n\ncp\n\n\u2014 k AAAAAAE=\n");
 * if (proof.index !== 3 || proof.path.length !== 0) throw new Error("unexpected");
 * ```
 */
export function parseTlogProof(text: string): TlogProof {
  if (!text.startsWith(HEADER)) throw new SyntaxError("Not a c2sp.org/tlog-proof@v1");
  let at = HEADER.length;
  const line = (): string => {
    const end = text.indexOf("\n", at);
    if (end < 0) throw new SyntaxError("A tlog-proof ends with its checkpoint");
    const read = text.slice(at, end);
    at = end + 1;
    return read;
  };
  let next = line();
  const extra = next.startsWith("extra ") ? decodeBase64(next.slice(6)) : undefined;
  if (extra !== undefined) next = line();
  const index = Number(/^index (0|[1-9][0-9]*)$/.exec(next)?.[1]);
  if (!Number.isSafeInteger(index)) {
    throw new SyntaxError(`Bad tlog-proof index line ${JSON.stringify(next)}`);
  }
  const path: Uint8Array[] = [];
  for (next = line(); next !== ""; next = line()) {
    const hash = decodeBase64(next);
    if (hash.length !== HASH_SIZE) throw new SyntaxError("A tlog-proof hash is 32 bytes");
    path.push(hash);
  }
  const checkpoint = text.slice(at);
  if (checkpoint === "") throw new SyntaxError("A tlog-proof ends with its checkpoint");
  return extra === undefined ? { index, path, checkpoint } : { extra, index, path, checkpoint };
}

/**
 * Checks a tlog-proof: the checkpoint's signature by the log's key, then the
 * inclusion of the leaf at the index in the checkpoint's tree.
 *
 * @param text the proof's text
 * @param leaf the leaf's bytes (for the KEZ log, the stored line)
 * @param key the log's verifier key
 * @returns the index and the verified checkpoint
 * @throws {SyntaxError} if the proof or its checkpoint is malformed
 * @throws {TlogError} if the signature, the index or the inclusion fails
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { signCheckpoint } from "./checkpoint.ts";
 * import { leafHash } from "./merkle.ts";
 * import { formatTlogProof, openTlogProof } from "./tlog_proof.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * const seed = new Uint8Array(32).fill(3);
 * const leaf = new TextEncoder().encode("{}");
 * const checkpoint = signCheckpoint({ origin: "example.com/log", size: 1, root: leafHash(leaf) }, seed);
 * const text = formatTlogProof({ index: 0, path: [], checkpoint });
 * const opened = openTlogProof(text, leaf, verifierKey("example.com/log", ed25519.getPublicKey(seed)));
 * if (opened.checkpoint.size !== 1) throw new Error("unexpected");
 * ```
 */
export function openTlogProof(text: string, leaf: Uint8Array, key: VerifierKey): OpenedTlogProof {
  const { index, path, checkpoint: note } = parseTlogProof(text);
  const checkpoint = openCheckpoint(note, key);
  if (index >= checkpoint.size) {
    throw new TlogError(`Index ${index} is not in the checkpoint's tree of ${checkpoint.size}`);
  }
  if (!verifyInclusion(leafHash(leaf), index, checkpoint.size, path, checkpoint.root)) {
    throw new TlogError(`The audit path does not lead from leaf ${index} to the checkpoint's root`);
  }
  return { index, checkpoint, note };
}
