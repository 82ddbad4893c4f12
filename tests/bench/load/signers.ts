/**
 * Fast signers for benchmark keys. The protocol core signs with `@noble/curves`
 * (Ed25519 ~5–10k/s, BIP-340 ~1k/s, since noble's `schnorr.sign` re-verifies
 * its own output), too slow to pre-build the tens of thousands of fresh chains
 * a load run posts or the million events of a scale database. These produce
 * the same signatures the protocol accepts; {@linkcode checkEvents} in
 * `events.ts` verifies a sample with `lib/protocol` on every run.
 *
 * @module
 */

import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { Buffer } from "node:buffer";
import { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
import { bech32 } from "@scure/base";
import type { Alg } from "../../../lib/protocol/mod.ts";

/** Signs `JCS(payload)` for one primary, as spec §4 defines for its algorithm. */
export interface Signer {
  /** The algorithm, which fixes the primary's scheme. */
  readonly alg: Alg;
  /** The canonical primary, `scheme:id`. */
  readonly primary: string;
  /**
   * Signs the message `m` of spec §4.
   *
   * @param m `JCS(payload)` as UTF-8 bytes
   * @returns the signature as 128 lowercase hex characters
   */
  sign(m: Uint8Array): string;
}

/** RFC 8410 PKCS#8 prefix of an Ed25519 private key: the 32-byte seed follows it. */
const PKCS8_ED25519 = Uint8Array.from([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);

/**
 * An Ed25519 signer on OpenSSL through `node:crypto` (~25k new keys/s and
 * ~60k signatures/s on one core). Ed25519 is deterministic, so a seed given
 * here signs exactly as `signEvent` with the same secret.
 *
 * @param seed the 32-byte RFC 8032 secret; random by default
 * @returns the signer
 */
export function ed25519Signer(
  seed: Uint8Array = crypto.getRandomValues(new Uint8Array(32)),
): Signer {
  const der = new Uint8Array(PKCS8_ED25519.length + 32);
  der.set(PKCS8_ED25519);
  der.set(seed, PKCS8_ED25519.length);
  const key: KeyObject = createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  // The SPKI encoding of an Ed25519 key ends with the 32 raw key bytes.
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const primary = `ed25519:${spki.subarray(spki.length - 32).toString("hex")}`;
  return {
    alg: "ed25519-sha512-jcs",
    primary,
    sign: (m) => sign(null, m, key).toString("hex"),
  };
}

const Point = secp256k1.Point;
type Point = InstanceType<typeof Point>;
const G = Point.BASE;
const N = Point.Fn.ORDER;

function randomScalar(): bigint {
  return BigInt(`0x${Buffer.from(schnorr.utils.randomSecretKey()).toString("hex")}`);
}

function bytes32(n: bigint): Uint8Array {
  return Buffer.from(n.toString(16).padStart(64, "0"), "hex");
}

/** A point's x coordinate as 32 bytes and whether its y is even (BIP-340 lifts x to even y). */
function xEven(p: Point): { x: Uint8Array; even: boolean } {
  const { x, y } = p.toAffine();
  return { x: bytes32(x), even: (y & 1n) === 0n };
}

/**
 * BIP-340 signers for many fresh nostr keys, cheaply: key i + 1 is key i plus
 * one, and each signature's nonce is the previous nonce plus one, so every new
 * point is one point addition instead of a scalar multiplication (~20–40k
 * signatures/s instead of ~1k/s). The verifier cannot tell how keys or nonces
 * were chosen; predictable nonces leak the secret, which does not matter for
 * throwaway benchmark keys and must never be copied into real code.
 */
export class NostrKeyRing {
  #d = randomScalar();
  #p: Point = G.multiply(this.#d);
  #k = randomScalar();
  #r: Point = G.multiply(this.#k);

  /**
   * The signer of the next key.
   *
   * @returns a signer whose primary is a fresh `nostr:npub1…`
   */
  next(): Signer {
    this.#d = this.#d + 1n === N ? 1n : this.#d + 1n;
    this.#p = this.#p.add(G);
    const { x: px, even } = xEven(this.#p);
    // BIP-340 signs with the secret of the even-y point: negate d when y is odd.
    const d = even ? this.#d : N - this.#d;
    const primary = `nostr:${bech32.encode("npub", bech32.toWords(px))}`;
    return {
      alg: "nostr-secp256k1-schnorr-sha256-jcs",
      primary,
      sign: (m) => this.#sign(d, px, m),
    };
  }

  #sign(d: bigint, px: Uint8Array, m: Uint8Array): string {
    this.#k = this.#k + 1n === N ? 1n : this.#k + 1n;
    this.#r = this.#r.add(G);
    const { x: rx, even } = xEven(this.#r);
    const k = even ? this.#k : N - this.#k;
    const digest = new Uint8Array(sha256(m));
    const e = BigInt(
      `0x${
        Buffer.from(schnorr.utils.taggedHash("BIP0340/challenge", rx, px, digest)).toString("hex")
      }`,
    ) % N;
    const s = (k + e * d) % N;
    return Buffer.from(rx).toString("hex") + s.toString(16).padStart(64, "0");
  }
}

/** SHA-256 through `node:crypto`, synchronous and fast. */
function sha256(m: Uint8Array): Buffer {
  return createHash("sha256").update(m).digest();
}
