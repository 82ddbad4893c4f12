/**
 * The server's signature check (spec §4) on a pool of workers.
 *
 * @module
 */

import { type Envelope, KezError, signatureInput } from "../protocol/mod.ts";
import { VerifyPool } from "./verify_pool.ts";

/**
 * Checks event signatures off the thread that serves HTTP.
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
  check = async (envelope: Envelope): Promise<KezError | null> => {
    let input;
    try {
      input = signatureInput(envelope);
    } catch (e) {
      if (e instanceof KezError) return e;
      throw e;
    }
    const kind = input.alg === "ed25519-sha512-jcs" ? "ed25519" : "bip340";
    const valid = await this.#pool.verify([kind, input.key, input.message, input.sig]);
    return valid
      ? null
      : new KezError("invalid_signature", "Invalid signature: the signature does not verify");
  };

  /** Stops the workers. */
  close(): void {
    this.#pool.close();
  }
}
