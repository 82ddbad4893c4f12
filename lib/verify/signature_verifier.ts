/**
 * The server's signature check (spec §4): BIP-340 on a pool of workers,
 * Ed25519 on the calling thread.
 *
 * @module
 */

import { type Envelope, type KezError, verifyEventSignatureAsync } from "../protocol/mod.ts";
import { VerifyPool } from "./verify_pool.ts";
import { jobOf, verifyHere } from "./verify_worker.ts";

/**
 * Checks event signatures, the costly ones off the thread that serves HTTP.
 * An Ed25519 check (`node:crypto`) costs that thread less than handing it to
 * a worker and taking the answer back; a BIP-340 check (pure JS) costs it
 * many times more, so only those go to the workers.
 *
 * @example
 * ```ts
 * import { SignatureVerifier } from "./signature_verifier.ts";
 * import { generateSecret, signEvent } from "../protocol/mod.ts";
 * const verifier = new SignatureVerifier(1);
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "nostr-secp256k1-schnorr-sha256-jcs",
 *   secret: generateSecret("nostr-secp256k1-schnorr-sha256-jcs"),
 * });
 * const error = await verifier.check(env);
 * verifier.close();
 * if (error !== null) throw error;
 * ```
 */
export class SignatureVerifier {
  #pool: VerifyPool;

  /**
   * @param workers how many workers; the number of cores by default
   */
  constructor(workers?: number) {
    this.#pool = new VerifyPool(workers);
  }

  /**
   * Checks an envelope's signature.
   *
   * @param envelope a structurally valid envelope
   * @returns null when valid, else the `invalid_signature` error
   */
  check = (envelope: Envelope): Promise<KezError | null> =>
    verifyEventSignatureAsync(
      envelope,
      (input) =>
        input.alg === "ed25519-sha512-jcs"
          ? Promise.resolve(verifyHere(input))
          : this.#pool.verify(jobOf(input)),
    );

  /** Stops the workers. */
  close(): void {
    this.#pool.close();
  }
}
