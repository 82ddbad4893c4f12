/**
 * Events as stored and served: the canonical line, its hash (§2), and the
 * signature over the payload (§4).
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import type { Envelope, EventPayload } from "./envelope.ts";
import { KezError } from "./error.ts";
import { fromHex, toHex } from "./hex.ts";
import { parsePrimary, primaryFromKey } from "./identifier.ts";
import { canonicalBytes, canonicalize } from "./jcs.ts";
import { verifyEd25519Async } from "./webcrypto_ed25519.ts";
import type { JsonValue } from "./json.ts";
import {
  type Alg,
  algForScheme,
  publicKeyOf,
  signMessage,
  verifyBip340,
  verifyEd25519,
} from "./signature.ts";

/** An envelope with its canonical line (`JCS(envelope)`) and hash. */
export interface ChainEvent {
  /** The parsed envelope. */
  readonly envelope: Envelope;
  /** `JCS(envelope)`: the exact bytes stored and served, without a newline. */
  readonly line: string;
  /** `"sha256:"` + hex SHA-256 of `line`. */
  readonly hash: string;
}

const encoder = new TextEncoder();

/**
 * Computes an event hash from a canonical line, as {@linkcode hashLine} does:
 * a caller with a native SHA-256 at hand passes its own.
 */
export type LineHash = (line: string) => string;

/**
 * Hashes a canonical line as spec §2 defines an event hash.
 *
 * @param line `JCS(envelope)`
 * @returns `"sha256:"` + 64 lowercase hex
 *
 * @example
 * ```ts
 * import { hashLine } from "./event.ts";
 * const h = hashLine("{}");
 * if (h !== "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a") {
 *   throw new Error(h);
 * }
 * ```
 */
export function hashLine(line: string): string {
  return "sha256:" + toHex(sha256(encoder.encode(line)));
}

/**
 * Computes an envelope's canonical line and hash.
 *
 * @param envelope a structurally valid envelope
 * @returns the event as it is stored and served
 *
 * @example
 * ```ts
 * import { signEvent, toChainEvent } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * const ev = toChainEvent(env);
 * if (!ev.line.startsWith('{"kez":"sigchain_event"')) throw new Error(ev.line);
 * ```
 */
export function toChainEvent(envelope: Envelope): ChainEvent {
  return toChainEventWith(envelope, hashLine);
}

/**
 * Computes an envelope's canonical line, and its hash with the caller's
 * SHA-256 (the server's is native).
 *
 * @param envelope a structurally valid envelope
 * @param hash how the line is hashed, as {@linkcode hashLine} does
 * @returns the event as it is stored and served
 *
 * @example
 * ```ts
 * import { hashLine, signEvent, toChainEvent, toChainEventWith } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * if (toChainEventWith(env, hashLine).hash !== toChainEvent(env).hash) throw new Error("hash");
 * ```
 */
export function toChainEventWith(envelope: Envelope, hash: LineHash): ChainEvent {
  const line = canonicalize(envelope as unknown as JsonValue);
  return { envelope, line, hash: hash(line) };
}

/** What a signature algorithm checks: the key, the exact bytes signed, and the signature. */
export interface SignatureInput {
  /** The algorithm. */
  readonly alg: Alg;
  /** The primary's public key: 32 bytes, checked as §1.1 requires. */
  readonly key: Uint8Array;
  /** The bytes the signature is over: `m` for Ed25519, `SHA-256(m)` for BIP-340 (§4). */
  readonly message: Uint8Array;
  /** The 64-byte signature. */
  readonly sig: Uint8Array;
}

/**
 * The algorithm's part of a signature check (§4): true when the signature
 * verifies. {@linkcode verifySignatureInput} is the default; a caller with
 * faster cryptography at hand (`node:crypto`, a worker) passes its own.
 */
export type SignatureVerify = (input: SignatureInput) => boolean;

/**
 * The checks of §4 that need no cryptography (the key is the primary, the
 * algorithm fits its scheme), then what is left for the algorithm to verify.
 *
 * @param envelope a structurally valid envelope
 * @returns the key, signed bytes and signature
 * @throws {KezError} `invalid_signature` when the key or algorithm does not fit
 *
 * @example
 * ```ts
 * import { signatureInput, signEvent } from "./event.ts";
 * import { generateSecret, verifyBip340 } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "dns:a.example" }, {
 *   alg: "nostr-secp256k1-schnorr-sha256-jcs",
 *   secret: generateSecret("nostr-secp256k1-schnorr-sha256-jcs"),
 * });
 * const { key, message, sig } = signatureInput(env);
 * if (!verifyBip340(key, message, sig)) throw new Error("valid");
 * ```
 */
export function signatureInput(envelope: Envelope): SignatureInput {
  const { payload, signature } = envelope;
  if (signature.key !== payload.primary) {
    throw new KezError("invalid_signature", "Invalid signature: signature.key is not the primary");
  }
  const primary = parsePrimary(payload.primary);
  if (signature.alg !== algForScheme(primary.scheme)) {
    throw new KezError(
      "invalid_signature",
      `Invalid signature: ${signature.alg} does not sign for a ${primary.scheme} primary`,
    );
  }
  const m = canonicalBytes(payload as unknown as JsonValue);
  const message = signature.alg === "ed25519-sha512-jcs" ? m : sha256(m);
  return { alg: signature.alg, key: primary.key, message, sig: fromHex(signature.sig) };
}

/**
 * Verifies what {@linkcode signatureInput} returned, in place.
 *
 * @param input the key, signed bytes and signature
 * @returns true when valid
 *
 * @example
 * ```ts
 * import { signatureInput, signEvent, verifySignatureInput } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "dns:a.example" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * if (!verifySignatureInput(signatureInput(env))) throw new Error("valid");
 * ```
 */
export function verifySignatureInput({ alg, key, message, sig }: SignatureInput): boolean {
  return alg === "ed25519-sha512-jcs"
    ? verifyEd25519(key, message, sig)
    : verifyBip340(key, message, sig);
}

const DOES_NOT_VERIFY = "Invalid signature: the signature does not verify";

/**
 * Checks an envelope's signature as spec §4 requires: the key is the primary,
 * the algorithm fits the primary's scheme, and the signature over
 * `JCS(payload)` verifies.
 *
 * @param envelope a structurally valid envelope
 * @param verify checks the key, signed bytes and signature; noble's, in place, by default
 * @throws {KezError} `invalid_signature` naming what failed
 *
 * @example
 * ```ts
 * import { signEvent, verifyEventSignature } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "dns:a.example" }, {
 *   alg: "nostr-secp256k1-schnorr-sha256-jcs",
 *   secret: generateSecret("nostr-secp256k1-schnorr-sha256-jcs"),
 * });
 * verifyEventSignature(env);
 * ```
 */
export function verifyEventSignature(
  envelope: Envelope,
  verify: SignatureVerify = verifySignatureInput,
): void {
  if (!verify(signatureInput(envelope))) {
    throw new KezError("invalid_signature", DOES_NOT_VERIFY);
  }
}

/**
 * Checks an envelope's signature (§4) with a verifier of one's choice: the
 * checks that need no cryptography here, the algorithm's check there.
 *
 * @param envelope a structurally valid envelope
 * @param verify checks the key, signed bytes and signature; WebCrypto for
 *   Ed25519 and BIP-340 in place by default
 * @returns null when the signature is valid, else the `invalid_signature` error
 *
 * @example
 * ```ts
 * import { signEvent, verifyEventSignatureAsync } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "dns:a.example" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * if ((await verifyEventSignatureAsync(env)) !== null) throw new Error("valid");
 * ```
 */
export async function verifyEventSignatureAsync(
  envelope: Envelope,
  verify: (input: SignatureInput) => Promise<boolean> = verifyOffThread,
): Promise<KezError | null> {
  let input;
  try {
    input = signatureInput(envelope);
  } catch (e) {
    if (e instanceof KezError) return e;
    throw e;
  }
  return (await verify(input)) ? null : new KezError("invalid_signature", DOES_NOT_VERIFY);
}

function verifyOffThread(input: SignatureInput): Promise<boolean> {
  return input.alg === "ed25519-sha512-jcs"
    ? verifyEd25519Async(input.key, input.message, input.sig)
    : Promise.resolve(verifySignatureInput(input));
}

/** What an author chooses for a new event; the rest follows from the chain. */
export interface EventDraft {
  /** The event's position, from 0. */
  readonly seq: number;
  /** The hash of event `seq - 1`; omit at seq 0. */
  readonly prev?: string;
  /** RFC 3339 UTC timestamp. */
  readonly created_at: string;
  /** Add or revoke. */
  readonly op: EventPayload["op"];
  /** The subject to add or revoke. */
  readonly subject: string;
}

/** A signing key: the algorithm and its 32-byte secret. */
export interface SigningKey {
  /** The algorithm, which decides the primary's scheme. */
  readonly alg: Alg;
  /** An Ed25519 seed or a secp256k1 secret key, 32 bytes. */
  readonly secret: Uint8Array;
}

/**
 * Builds and signs an envelope; the primary is derived from the key. The
 * result is not checked against §3: parse it to find out whether it is valid.
 *
 * @param draft the event's chosen fields
 * @param key the signing key
 * @returns the signed envelope
 *
 * @example
 * ```ts
 * import { signEvent } from "./event.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * if (env.signature.key !== env.payload.primary) throw new Error("key must be the primary");
 * ```
 */
export function signEvent(draft: EventDraft, key: SigningKey): Envelope {
  const scheme = key.alg === "ed25519-sha512-jcs" ? "ed25519" : "nostr";
  const primary = primaryFromKey(scheme, publicKeyOf(key.alg, key.secret)).text;
  const payload: EventPayload = {
    type: "kez.sigchain.event",
    version: 1,
    primary,
    seq: draft.seq,
    ...(draft.prev === undefined ? {} : { prev: draft.prev }),
    created_at: draft.created_at,
    op: draft.op,
    payload: { subject: draft.subject },
  };
  const sig = signMessage(key.alg, key.secret, canonicalBytes(payload as unknown as JsonValue));
  return {
    kez: "sigchain_event",
    payload,
    signature: { alg: key.alg, key: primary, sig: toHex(sig) },
  };
}
