/**
 * Worker entry of {@linkcode VerifyPool}: verifies batches of signatures and
 * posts back one result byte per signature.
 *
 * @module
 */

import { verify } from "node:crypto";
import { isStrictEd25519Signature, type SignatureInput, verifyBip340 } from "../protocol/mod.ts";
import { ed25519KeyObject } from "./ed25519_key.ts";

/** Which algorithm a job is for. */
export type VerifyKind = "ed25519" | "bip340";

/** One signature to check: the algorithm, the key, the signed bytes, the signature. */
export type VerifyJob = readonly [VerifyKind, Uint8Array, Uint8Array, Uint8Array];

/** A batch to verify. */
export interface VerifyBatch {
  readonly items: readonly VerifyJob[];
}

/** A batch's answer: 1 for a valid signature, 0 otherwise, in order. */
export interface VerifyResults {
  readonly results: Uint8Array;
}

/**
 * Verifies one job. Ed25519 keys reach here already checked as spec §1.1
 * requires (canonical, not of small order); after the strict checks on the
 * signature bytes, the platform's cofactorless check is what §4 allows, at a
 * tenth of the cost of a pure-JS one.
 *
 * @param job the signature to check
 * @returns true when valid
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { verifyJob } from "./verify_worker.ts";
 * const { secretKey, publicKey } = ed25519.keygen();
 * const msg = new Uint8Array(3);
 * if (!verifyJob(["ed25519", publicKey, msg, ed25519.sign(msg, secretKey)])) throw new Error("valid");
 * ```
 */
export function verifyJob([kind, key, msg, sig]: VerifyJob): boolean {
  if (kind === "bip340") return verifyBip340(key, msg, sig);
  try {
    if (key.length !== 32 || !isStrictEd25519Signature(sig)) return false;
    const object = ed25519KeyObject(key);
    return object !== null && verify(null, msg, object, sig);
  } catch {
    return false;
  }
}

/**
 * The job for one signature input: its algorithm's kind, key, signed bytes
 * and signature.
 *
 * @param input what to check, from `signatureInput`
 * @returns the job
 *
 * @example
 * ```ts
 * import { jobOf } from "./verify_worker.ts";
 * const input = { alg: "ed25519-sha512-jcs", key: new Uint8Array(32), message: new Uint8Array(0), sig: new Uint8Array(64) } as const;
 * if (jobOf(input)[0] !== "ed25519") throw new Error("kind");
 * ```
 */
export function jobOf({ alg, key, message, sig }: SignatureInput): VerifyJob {
  return [alg === "ed25519-sha512-jcs" ? "ed25519" : "bip340", key, message, sig];
}

/**
 * Checks one signature on this thread as the workers do: for callers that
 * verify many events in a row and can wait for each, such as the `verify`
 * command (`node:crypto` Ed25519 checks about 15 times as many a second as
 * the pure-JS default of `Sigchain`).
 *
 * @param input what to check, from `signatureInput`
 * @returns true when valid
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { verifyHere } from "./verify_worker.ts";
 * const { secretKey, publicKey } = ed25519.keygen();
 * const message = new Uint8Array(3);
 * const sig = ed25519.sign(message, secretKey);
 * if (!verifyHere({ alg: "ed25519-sha512-jcs", key: publicKey, message, sig })) throw new Error("valid");
 * ```
 */
export function verifyHere(input: SignatureInput): boolean {
  return verifyJob(jobOf(input));
}

/** The worker side of the messaging, as much of it as is used here. */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<VerifyBatch>) => void) | null;
  postMessage(message: VerifyResults): void;
};

// Only as a worker: this module has no effect when imported elsewhere.
if ("WorkerGlobalScope" in globalThis) {
  scope.onmessage = (e) => {
    scope.postMessage({ results: new Uint8Array(e.data.items.map((j) => verifyJob(j) ? 1 : 0)) });
  };
}
