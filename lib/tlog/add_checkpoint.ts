/**
 * The body of a C2SP tlog-witness `add-checkpoint` request
 * (c2sp.org/tlog-witness): the line `old <size>`, at most 63 consistency
 * proof hashes one base64 a line, an empty line, then the signed checkpoint.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { HASH_SIZE } from "./merkle.ts";

/** The most consistency proof lines a request may carry. */
export const MAX_PROOF_LINES = 63;

/** An `add-checkpoint` request. */
export interface AddCheckpointRequest {
  /** The size of the checkpoint the witness last cosigned, as the submitter believes. */
  readonly oldSize: number;
  /** The RFC 6962 consistency proof from `oldSize` to the checkpoint's size. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint, as a whole note. */
  readonly checkpoint: string;
}

/**
 * Writes an `add-checkpoint` request body.
 *
 * @param request the old size, the proof and the signed checkpoint
 * @returns the body
 * @throws {RangeError} if the old size is not a safe non-negative integer, or the proof
 *   is too long or not of 32-byte hashes
 *
 * @example
 * ```ts
 * import { formatAddCheckpoint } from "./add_checkpoint.ts";
 * const body = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: "o\n0\nAA==\n\n\u2014 o AAAAAAE=\n" });
 * if (!body.startsWith("old 0\n\no\n0\n")) throw new Error(body);
 * ```
 */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const { oldSize, proof, checkpoint } = request;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) {
    throw new RangeError(`Invalid size ${oldSize}`);
  }
  if (proof.length > MAX_PROOF_LINES || proof.some((h) => h.length !== HASH_SIZE)) {
    throw new RangeError(`A proof is at most ${MAX_PROOF_LINES} hashes of ${HASH_SIZE} bytes`);
  }
  return `old ${oldSize}\n${proof.map((h) => `${encodeBase64(h)}\n`).join("")}\n${checkpoint}`;
}

/**
 * Parses an `add-checkpoint` request body strictly: the old size in decimal
 * without leading zeros, each proof line one canonical base64 hash, at most
 * 63 of them. The checkpoint is returned as sent, for the caller to verify.
 *
 * @param body the request body
 * @returns the request
 * @throws {SyntaxError} if the body is not such a request
 *
 * @example
 * ```ts
 * import { parseAddCheckpoint } from "./add_checkpoint.ts";
 * const req = parseAddCheckpoint("old 3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\ncheckpoint\n");
 * if (req.oldSize !== 3 || req.proof.length !== 1 || req.checkpoint !== "checkpoint\n") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  // Proof lines are never empty, so the first empty line ends them.
  const split = body.indexOf("\n\n");
  if (split < 0) throw new SyntaxError("An add-checkpoint body needs an empty line");
  const [oldLine = "", ...proofLines] = body.slice(0, split).split("\n");
  const match = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  const oldSize = Number(match?.[1]);
  if (match === null || !Number.isSafeInteger(oldSize)) {
    throw new SyntaxError(`Malformed old size line ${JSON.stringify(oldLine)}`);
  }
  if (proofLines.length > MAX_PROOF_LINES) {
    throw new SyntaxError(`A consistency proof has at most ${MAX_PROOF_LINES} lines`);
  }
  const proof = proofLines.map((line) => {
    const hash = decodeBase64(line);
    if (hash.length !== HASH_SIZE) throw new SyntaxError("A proof line is a 32-byte hash");
    return hash;
  });
  return { oldSize, proof, checkpoint: body.slice(split + 2) };
}
