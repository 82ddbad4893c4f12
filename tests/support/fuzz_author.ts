/**
 * Test support: an author for fuzzing, whose key and signatures follow from a
 * seed, and who signs any payload at all, well-formed or not, so that the
 * server's structure checks are reached with a valid signature.
 *
 * @module
 */

import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  type Alg,
  canonicalBytes,
  type JsonObject,
  type JsonValue,
  primaryFromKey,
  publicKeyOf,
  signMessage,
  toHex,
} from "../../lib/protocol/mod.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** BIP-340 auxiliary randomness, fixed, so that a replay signs the same bytes. */
const NO_AUX = new Uint8Array(32);

/**
 * Signs what it is given with a key drawn from a seeded generator.
 *
 * @example
 * ```ts
 * import { FuzzAuthor } from "./fuzz_author.ts";
 * import { SeededRandom } from "./seeded_random.ts";
 * const a = new FuzzAuthor("ed25519-sha512-jcs", new SeededRandom(1));
 * const b = new FuzzAuthor("ed25519-sha512-jcs", new SeededRandom(1));
 * if (a.primary !== b.primary) throw new Error("not reproducible");
 * ```
 */
export class FuzzAuthor {
  /** The signature algorithm. */
  readonly alg: Alg;
  /** The primary, `scheme:id`. */
  readonly primary: string;
  readonly #secret: Uint8Array;

  /**
   * @param alg the signature algorithm
   * @param random where the secret comes from
   */
  constructor(alg: Alg, random: SeededRandom) {
    this.alg = alg;
    // 32 random bytes are a valid secret for both curves but with negligible probability.
    this.#secret = random.bytes(32);
    const scheme = alg === "ed25519-sha512-jcs" ? "ed25519" : "nostr";
    this.primary = primaryFromKey(scheme, publicKeyOf(alg, this.#secret)).text;
  }

  /** The URL path segments of the primary: `scheme/id`. */
  get path(): string {
    return this.primary.replace(":", "/");
  }

  /**
   * Signs `JCS(payload)` as this author's algorithm defines it.
   *
   * @param payload any JSON value
   * @returns the signature, lowercase hex
   * @throws {Error} when the payload has no canonical form (a lone surrogate, say)
   */
  signature(payload: JsonValue): string {
    const message = canonicalBytes(payload);
    const sig = this.alg === "ed25519-sha512-jcs"
      ? signMessage(this.alg, this.#secret, message)
      : schnorr.sign(sha256(message), this.#secret, NO_AUX);
    return toHex(sig);
  }

  /**
   * Builds and signs an envelope around any payload.
   *
   * @param payload the payload, as it should appear
   * @returns the envelope as a plain JSON object
   */
  envelope(payload: JsonObject): JsonObject {
    return {
      kez: "sigchain_event",
      payload,
      signature: { alg: this.alg, key: this.primary, sig: this.signature(payload) },
    };
  }
}
