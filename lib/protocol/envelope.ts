/**
 * The event envelope of spec §3 and its strict structural check.
 *
 * @module
 */

import { KezError } from "./error.ts";
import { isLowerHex } from "./hex.ts";
import { isPrimary, parseSubject } from "./identifier.ts";
import type { JsonObject, JsonValue } from "./json.ts";
import { type Alg, ALGS } from "./signature.ts";
import { isTimestamp } from "./timestamp.ts";
import { MAX_SEQ } from "./limits.ts";

/** What an event does to its subject. */
export type Op = "add" | "revoke";

/** The signed part of an event: `envelope.payload`. */
export interface EventPayload {
  /** Always `"kez.sigchain.event"`. */
  readonly type: "kez.sigchain.event";
  /** Always 1. */
  readonly version: 1;
  /** The chain's owner, canonical `scheme:id`. */
  readonly primary: string;
  /** The event's position in its chain, from 0. */
  readonly seq: number;
  /** The hash of event `seq - 1`; absent at seq 0. */
  readonly prev?: string;
  /** When the author says the event was made, RFC 3339 UTC. */
  readonly created_at: string;
  /** Add or revoke the subject. */
  readonly op: Op;
  /** The identity the event is about. */
  readonly payload: { readonly subject: string };
}

/** The signature block of an envelope. */
export interface EventSignature {
  /** The algorithm, which must fit the primary's scheme. */
  readonly alg: Alg;
  /** The signing key, which must equal `payload.primary`. */
  readonly key: string;
  /** 64 bytes as 128 lowercase hex characters. */
  readonly sig: string;
}

/** A structurally valid event envelope (§3); its signature is not yet checked. */
export interface Envelope {
  /** Always `"sigchain_event"`. */
  readonly kez: "sigchain_event";
  /** The signed payload. */
  readonly payload: EventPayload;
  /** The signature over `JCS(payload)`. */
  readonly signature: EventSignature;
}

function fail(message: string): never {
  throw new KezError("invalid_event", `Cannot parse event: ${message}`);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: JsonValue | undefined, where: string): JsonObject {
  if (!isObject(value)) fail(`${where} must be an object`);
  return value;
}

/** Refuses any member beyond the allowed ones and any missing required one. */
function members(obj: JsonObject, where: string, required: string[], optional: string[] = []) {
  for (const name of Object.keys(obj)) {
    if (!required.includes(name) && !optional.includes(name)) {
      fail(`unknown member ${JSON.stringify(name)} in ${where === "" ? "the envelope" : where}`);
    }
  }
  for (const name of required) {
    if (!Object.hasOwn(obj, name)) fail(`missing member ${where === "" ? "" : `${where}.`}${name}`);
  }
}

function string(value: JsonValue | undefined, where: string): string {
  if (typeof value !== "string") fail(`${where} must be a string`);
  return value;
}

function constant<T extends JsonValue>(value: JsonValue | undefined, want: T, where: string): T {
  if (value !== want) fail(`${where} must be ${JSON.stringify(want)}`);
  return want;
}

/**
 * Checks a parsed request body against spec §3 (check 3's "top level is an
 * object", then check 4) and returns it as a typed envelope. Numbers count by
 * value, so `seq: 1.0` is seq 1 and `-0` is 0.
 *
 * @param value the parsed body
 * @returns the envelope, with exactly the members of §3
 * @throws {KezError} `invalid_json` when the top level is not an object;
 *   `invalid_event` naming the first offending member otherwise
 *
 * @example
 * ```ts
 * import { parseEnvelope } from "./envelope.ts";
 * import { KezError } from "./error.ts";
 * try {
 *   parseEnvelope({ kez: "sigchain_event" });
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "invalid_event") throw e;
 * }
 * ```
 */
export function parseEnvelope(value: JsonValue): Envelope {
  if (!isObject(value)) {
    throw new KezError("invalid_json", "Cannot parse event: the top level is not an object");
  }
  members(value, "", ["kez", "payload", "signature"]);
  constant(value.kez, "sigchain_event", "kez");
  return {
    kez: "sigchain_event",
    payload: parsePayload(object(value.payload, "payload")),
    signature: parseSignature(object(value.signature, "signature")),
  };
}

function parsePayload(p: JsonObject): EventPayload {
  members(p, "payload", ["type", "version", "primary", "seq", "created_at", "op", "payload"], [
    "prev",
  ]);
  constant(p.type, "kez.sigchain.event", "payload.type");
  constant(p.version, 1, "payload.version");
  const primary = string(p.primary, "payload.primary");
  if (!isPrimary(primary)) fail("payload.primary is not a valid primary identifier");
  const seq = p.seq;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
    fail("payload.seq must be an integer from 0 to 2^53 - 1");
  }
  let prev: string | undefined;
  if (seq === 0) {
    if (Object.hasOwn(p, "prev")) fail("payload.prev must be absent at seq 0");
  } else {
    prev = string(p.prev, "payload.prev");
    if (!prev.startsWith("sha256:") || !isLowerHex(prev.slice(7), 32)) {
      fail('payload.prev must be "sha256:" and 64 lowercase hex characters');
    }
  }
  const createdAt = string(p.created_at, "payload.created_at");
  if (!isTimestamp(createdAt)) fail("payload.created_at must be an RFC 3339 UTC timestamp");
  const op = p.op;
  if (op !== "add" && op !== "revoke") fail('payload.op must be "add" or "revoke"');
  const inner = object(p.payload, "payload.payload");
  members(inner, "payload.payload", ["subject"]);
  const subject = parseSubject(string(inner.subject, "payload.payload.subject"));
  return {
    type: "kez.sigchain.event",
    version: 1,
    primary,
    // -0 is the integer 0 (§2); keep the canonical zero.
    seq: seq === 0 ? 0 : seq,
    ...(prev === undefined ? {} : { prev }),
    created_at: createdAt,
    op,
    payload: { subject },
  };
}

function parseSignature(s: JsonObject): EventSignature {
  members(s, "signature", ["alg", "key", "sig"]);
  const alg = string(s.alg, "signature.alg");
  if (!(ALGS as readonly string[]).includes(alg)) {
    fail(`signature.alg must be one of ${ALGS.join(", ")}`);
  }
  const key = string(s.key, "signature.key");
  const sig = string(s.sig, "signature.sig");
  if (!isLowerHex(sig, 64)) fail("signature.sig must be 128 lowercase hex characters");
  return { alg: alg as Alg, key, sig };
}
