/**
 * A C2SP tlog-witness (c2sp.org/tlog-witness): the checks of `add-checkpoint`
 * in the specification's order, each with its status, and the cosignature
 * of a checkpoint that passed them, made only once the state has moved.
 *
 * @module
 */

import {
  type AddCheckpointRequest,
  cosign,
  type CosignerKey,
  emptyRoot,
  parseAddCheckpoint,
  parseCheckpointHead,
  parseNote,
  type VerifierKey,
  verifyConsistency,
  verifyNote,
} from "../tlog/mod.ts";
import type { WitnessDb, WitnessedTree } from "../store/mod.ts";

/** The answer to one `add-checkpoint` request. */
export type WitnessAnswer =
  | { readonly status: 200; readonly body: string }
  | { readonly status: 409; readonly size: number; readonly reason: string }
  | { readonly status: 400 | 403 | 404 | 422; readonly reason: string };

/** What a witness is made of. */
export interface WitnessOptions {
  /** Its `cosignature/v1` key. */
  readonly key: CosignerKey;
  /** Signs a message with its secret key. */
  readonly sign: (message: Uint8Array) => Uint8Array;
  /** The logs it witnesses: their verifier keys, several per origin allowed. */
  readonly logs: readonly VerifierKey[];
  /** Its state. */
  readonly db: WitnessDb;
  /** The POSIX time in seconds; the clock by default. */
  readonly now?: () => number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A witness.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { Witness } from "./witness.ts";
 * import { WitnessDb } from "../store/mod.ts";
 * import { cosignerKey, emptyRoot, signCheckpoint, verifierKey } from "../tlog/mod.ts";
 * const logSeed = new Uint8Array(32).fill(1);
 * const seed = new Uint8Array(32).fill(2);
 * const witness = new Witness({
 *   key: cosignerKey("w.example/w", ed25519.getPublicKey(seed)),
 *   sign: (m) => ed25519.sign(m, seed),
 *   logs: [verifierKey("example.com/log", ed25519.getPublicKey(logSeed))],
 *   db: WitnessDb.open(":memory:"),
 * });
 * const cp = signCheckpoint({ origin: "example.com/log", size: 0, root: emptyRoot() }, logSeed);
 * const answer = witness.addCheckpoint(`old 0\n\n${cp}`);
 * if (answer.status !== 200 || !answer.body.startsWith("\u2014 w.example/w ")) throw new Error("unexpected");
 * ```
 */
export class Witness {
  readonly #options: WitnessOptions;
  readonly #logs = new Map<string, VerifierKey[]>();

  /**
   * Makes a witness.
   *
   * @param options its key, the logs it witnesses and its state
   */
  constructor(options: WitnessOptions) {
    this.#options = options;
    for (const key of options.logs) {
      this.#logs.set(key.name, [...(this.#logs.get(key.name) ?? []), key]);
    }
  }

  /** The witness's key. */
  get key(): CosignerKey {
    return this.#options.key;
  }

  /**
   * Answers an `add-checkpoint` request body: 400 malformed, 404 unknown
   * origin, 403 no trusted signature, 400 old size above the checkpoint's,
   * 409 (with the size held) a different old size or root, 422 a proof that
   * does not verify; 200 with the cosignature line once the state moved.
   *
   * @param body the request body
   * @returns the answer
   */
  addCheckpoint(body: string): WitnessAnswer {
    let request: AddCheckpointRequest;
    let text: string;
    try {
      request = parseAddCheckpoint(body);
      text = parseNote(request.checkpoint).text;
    } catch (e) {
      return { status: 400, reason: (e as Error).message };
    }
    const origin = text.slice(0, text.indexOf("\n"));
    const keys = this.#logs.get(origin);
    if (keys === undefined) return { status: 404, reason: `Unknown log ${origin}` };
    if (!keys.some((key) => verifyNote(request.checkpoint, key))) {
      return { status: 403, reason: `No signature by a key of ${origin} verifies` };
    }
    let size: number;
    let root: Uint8Array;
    try {
      ({ size, root } = parseCheckpointHead(text).checkpoint);
    } catch (e) {
      return { status: 400, reason: (e as Error).message };
    }
    const { oldSize, proof } = request;
    if (oldSize > size) {
      return { status: 400, reason: `Old size ${oldSize} is larger than the checkpoint's ${size}` };
    }
    const held = this.#options.db.latest(origin);
    const heldSize = held?.size ?? 0;
    if (oldSize !== heldSize) {
      return { status: 409, size: heldSize, reason: `Expected old size ${heldSize}` };
    }
    const heldRoot = held?.root ?? emptyRoot();
    if (oldSize === size && held !== null && !sameBytes(heldRoot, root)) {
      return { status: 409, size: heldSize, reason: `A different root at size ${size}` };
    }
    if (!verifyConsistency(oldSize, size, heldRoot, root, proof)) {
      return { status: 422, reason: `The proof from ${oldSize} to ${size} does not verify` };
    }
    const to: WitnessedTree = { size, root };
    if (!this.#options.db.advance(origin, held, to)) {
      const now = this.#options.db.latest(origin)?.size ?? 0;
      return { status: 409, size: now, reason: `Expected old size ${now}` };
    }
    const time = (this.#options.now ?? (() => Math.floor(Date.now() / 1000)))();
    return { status: 200, body: cosign(text, this.key, time, this.#options.sign) };
  }
}
