/**
 * The checks of spec §5 in their order, for every caller that appends: the
 * server's POST route and its appender, a mirror, and clients verifying a
 * chain (§8). Check 1 is the path's (`primaryFromPath`); check 2 bounds the
 * body as it is read (`MAX_BODY_BYTES`); checks 3–5 are
 * {@linkcode parseEventBody}; checks 6–9 are {@linkcode checkAppend}.
 *
 * @module
 */

import { type Envelope, parseEnvelope } from "./envelope.ts";
import { KezError } from "./error.ts";
import {
  type ChainEvent,
  hashLine,
  type LineHash,
  type SignatureVerify,
  toChainEventWith,
  verifyEventSignature,
  verifySignatureInput,
} from "./event.ts";
import type { Primary } from "./identifier.ts";
import { parseJson } from "./json.ts";

/** What the append checks need to know of the chain being extended. */
export interface ChainTip {
  /** How many events the chain holds: the seq the next event must have. */
  readonly length: number;
  /** The hash of the last event, or null for an empty chain. */
  readonly head: string | null;
  /**
   * Tells whether a subject is active (added and not revoked since).
   *
   * @param subject the exact subject string
   * @returns true when active
   */
  isActive(subject: string): boolean;
}

/**
 * The verdict of check 8 (§4), when one is not given: `null` for a valid
 * signature, else the error to answer in the check's place.
 */
export type SignatureVerdict = KezError | null;

/**
 * Checks 3, 4 and 5 of §5, in order, on a POST body already bounded by
 * check 2: the body is I-JSON, an envelope of §3, and for the path's primary.
 *
 * @param body the request body
 * @param primary the primary the path names (check 1)
 * @param hash how the event's line is hashed; {@linkcode hashLine} by default
 * @returns the event as it is stored and served
 * @throws {KezError} `invalid_json`, `invalid_event` or `wrong_primary`, from the first failing check
 *
 * @example
 * ```ts
 * import { parseEventBody, parsePrimary, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * const body = new TextEncoder().encode(JSON.stringify(env));
 * const event = parseEventBody(body, parsePrimary(env.payload.primary));
 * if (event.envelope.payload.seq !== 0) throw new Error("parsed");
 * ```
 */
export function parseEventBody(
  body: Uint8Array,
  primary: Primary,
  hash: LineHash = hashLine,
): ChainEvent {
  const envelope = parseEnvelope(parseJson(body));
  checkPrimary(envelope, primary.text);
  return toChainEventWith(envelope, hash);
}

/**
 * Check 5 of §5: the event is for the chain's primary.
 *
 * @param envelope a structurally valid envelope
 * @param primary the chain's primary, canonical `scheme:id`
 * @throws {KezError} `wrong_primary`
 *
 * @example
 * ```ts
 * import { checkPrimary, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * checkPrimary(env, env.payload.primary);
 * ```
 */
export function checkPrimary(envelope: Envelope, primary: string): void {
  if (envelope.payload.primary !== primary) {
    throw new KezError(
      "wrong_primary",
      `Cannot append event: it is for ${envelope.payload.primary}, not ${primary}`,
    );
  }
}

/**
 * Checks 6 and 7 of §5: the event's seq is the chain's length, and its prev
 * is the hash of the chain's last event.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @throws {KezError} `conflict`
 *
 * @example
 * ```ts
 * import { checkLink, KezError, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 1, prev: "sha256:" + "0".repeat(64), created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * try {
 *   checkLink({ length: 0, head: null, isActive: () => false }, env);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "conflict") throw e;
 * }
 * ```
 */
export function checkLink(tip: ChainTip, envelope: Envelope): void {
  const { seq, prev } = envelope.payload;
  if (seq !== tip.length) {
    throw new KezError("conflict", `Cannot append event: expected seq ${tip.length}, got ${seq}`);
  }
  if (seq > 0 && prev !== tip.head) {
    throw new KezError(
      "conflict",
      `Cannot append event: prev ${prev} is not the hash of seq ${seq - 1}, ${tip.head}`,
    );
  }
}

/**
 * Check 9 of §5: `add` names a subject that is not active, `revoke` one that is.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @throws {KezError} `invalid_op`
 *
 * @example
 * ```ts
 * import { checkOp, KezError, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "revoke", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * try {
 *   checkOp({ length: 0, head: null, isActive: () => false }, env);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "invalid_op") throw e;
 * }
 * ```
 */
export function checkOp(tip: ChainTip, envelope: Envelope): void {
  const { op, payload } = envelope.payload;
  const active = tip.isActive(payload.subject);
  if (op === "add" && active) {
    throw new KezError("invalid_op", `Cannot add ${payload.subject}: it is already active`);
  }
  if (op === "revoke" && !active) {
    throw new KezError("invalid_op", `Cannot revoke ${payload.subject}: it is not active`);
  }
}

/**
 * Checks 6–9 of §5, in order: seq, prev, signature, op. The signature's
 * verdict comes in already reached, so that a server can verify signatures
 * concurrently, ahead of their turn; it counts only in its place here, after
 * the link checks. Pure: the caller appends only when this returns.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @param signature the verdict of check 8 on this envelope
 * @throws {KezError} `conflict`, `invalid_signature` or `invalid_op`, from the first failing check
 *
 * @example
 * ```ts
 * import { checkAppend, KezError, signatureVerdict, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * const empty = { length: 0, head: null, isActive: () => false };
 * checkAppend(empty, env, signatureVerdict(env));
 * const forged = new KezError("invalid_signature", "Invalid signature: the signature does not verify");
 * try {
 *   checkAppend({ ...empty, length: 1 }, env, forged);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "conflict") throw new Error("the link is checked first");
 * }
 * ```
 */
export function checkAppend(tip: ChainTip, envelope: Envelope, signature: SignatureVerdict): void {
  checkLink(tip, envelope);
  if (signature !== null) throw signature;
  checkOp(tip, envelope);
}

/**
 * Reaches the verdict of check 8 (§4) in place, for {@linkcode checkAppend}.
 *
 * @param envelope a structurally valid envelope
 * @param verify checks the key, signed bytes and signature; noble's, in place, by default
 * @returns null when the signature is valid, else the `invalid_signature` error
 * @throws {Error} only what `verify` itself throws
 *
 * @example
 * ```ts
 * import { signatureVerdict, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "nostr-secp256k1-schnorr-sha256-jcs",
 *   secret: generateSecret("nostr-secp256k1-schnorr-sha256-jcs"),
 * });
 * if (signatureVerdict(env) !== null) throw new Error("valid");
 * if (signatureVerdict(env, () => false)?.code !== "invalid_signature") throw new Error("refused");
 * ```
 */
export function signatureVerdict(
  envelope: Envelope,
  verify: SignatureVerify = verifySignatureInput,
): SignatureVerdict {
  try {
    verifyEventSignature(envelope, verify);
    return null;
  } catch (e) {
    if (e instanceof KezError) return e;
    throw e;
  }
}
