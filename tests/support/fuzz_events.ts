/**
 * Test support: the events a fuzzer offers a chain, before any byte is
 * mutated. Most extend the chain correctly; the rest are signed correctly but
 * wrong in one way the spec names (seq, prev, op, primary, key, a field's
 * form, an odd subject or timestamp), so that every check of §3–§5 is reached.
 *
 * @module
 */

import type { JsonObject, Sigchain } from "../../lib/protocol/mod.ts";
import type { FuzzAuthor } from "./fuzz_author.ts";
import type { SeededRandom } from "./seeded_random.ts";

/** An envelope to offer, and what was done to it. */
export interface FuzzEvent {
  /** The variant's name, for a failure message. */
  readonly kind: string;
  /** The envelope, as a plain JSON object. */
  readonly envelope: JsonObject;
}

/** Subjects at the edges of §1's rules: some valid, most not. */
const ODD_SUBJECTS: readonly string[] = [
  "github:", // empty rest
  ":jason",
  "GitHub:jason",
  "git hub:jason",
  "github:ja son",
  "github:\u00a0jason",
  "github:\ufeffjason",
  "github:\u0000",
  "github:\u0085",
  "github:\t",
  "github:\u2028",
  "github:\ud800",
  "github:\udc00x",
  "github:\u202ejason",
  "github:\u200bjason",
  "github:😀",
  "github:e\u0301",
  "github:" + "x".repeat(505), // 512 bytes
  "github:" + "x".repeat(506), // 513 bytes
  "github:" + "é".repeat(253), // 513 bytes in 260 characters
  "a".repeat(32) + ":x",
  "a".repeat(33) + ":x",
  "1github:x",
  "web:https://jason.example/",
  "dns:jason.example",
  "x+y.z-w:ok",
];

const ODD_TIMES: readonly string[] = [
  "2026-02-29T00:00:00Z",
  "2024-02-29T00:00:00Z",
  "2026-01-01T24:00:00Z",
  "2026-12-31T23:59:60Z",
  "2026-01-01T00:00:00z",
  "2026-01-01t00:00:00Z",
  "2026-01-01T00:00:00+00:00",
  "2026-01-01T00:00:00.123456789Z",
  "2026-01-01T00:00:00.1234567890Z",
  "2026-01-01T00:00:00.Z",
  "2026-1-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  " 2026-01-01T00:00:00Z",
  "2026-04-31T00:00:00Z",
];

function timeOf(seq: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString().replace(".000", "");
}

/**
 * Offers the next event for a chain.
 *
 * @param chain the chain as the server should hold it
 * @param author the chain's author
 * @param stranger another author, for events signed by or for the wrong key
 * @param random the fuzzer's generator
 * @param serial a number never used before, for fresh subjects
 * @returns the event and its variant's name
 *
 * @example
 * ```ts ignore
 * const { kind, envelope } = fuzzEvent(chain, author, stranger, random, n);
 * ```
 */
export function fuzzEvent(
  chain: Sigchain,
  author: FuzzAuthor,
  stranger: FuzzAuthor,
  random: SeededRandom,
  serial: number,
): FuzzEvent {
  const seq = chain.length;
  const active = chain.activeSubjects();
  const payload: JsonObject = {
    type: "kez.sigchain.event",
    version: 1,
    primary: author.primary,
    seq,
    ...(chain.head === null ? {} : { prev: chain.head }),
    created_at: timeOf(seq),
    op: "add",
    payload: { subject: `fuzz:${serial}` },
  };
  if (active.length > 0 && random.chance(0.25)) {
    payload.op = "revoke";
    payload.payload = { subject: random.pick(active) };
  }
  const signed = (kind: string, p: JsonObject = payload) => ({
    kind,
    envelope: author.envelope(p),
  });
  const roll = random.next();
  if (roll < 0.55) return signed("next");

  const variants: (() => FuzzEvent)[] = [
    () => signed("seq+1", { ...payload, seq: seq + 1 }),
    () => signed("seq-1", { ...payload, seq: seq - 1 }),
    () => signed("seq as string", { ...payload, seq: String(seq) }),
    () => signed("seq 2^53", { ...payload, seq: 2 ** 53 }),
    () => signed("seq 2^53-1", { ...payload, seq: 2 ** 53 - 1 }),
    () => signed("seq fraction", { ...payload, seq: seq + 0.5 }),
    () => signed("prev missing", { ...without(payload, "prev") }),
    () => signed("prev at 0", { ...payload, prev: `sha256:${"0".repeat(64)}` }),
    () => signed("prev uppercase", { ...payload, prev: String(payload.prev ?? "").toUpperCase() }),
    () => signed("prev bare hex", { ...payload, prev: String(payload.prev ?? "").slice(7) }),
    () => signed("prev null", { ...payload, prev: null }),
    () => signed("revoke inactive", { ...payload, op: "revoke", payload: { subject: "never:x" } }),
    () =>
      signed("add active", {
        ...payload,
        op: "add",
        payload: { subject: active.length > 0 ? random.pick(active) : "fuzz:none" },
      }),
    () => signed("op case", { ...payload, op: "Add" }),
    () => signed("op unknown", { ...payload, op: "delete" }),
    () => signed("version 2", { ...payload, version: 2 }),
    () => signed("version string", { ...payload, version: "1" }),
    () => signed("type", { ...payload, type: "kez.sigchain.Event" }),
    () => signed("payload extra", { ...payload, payload: { subject: `fuzz:${serial}`, note: 1 } }),
    () => signed("payload extra member", { ...payload, extra: true }),
    () =>
      signed("subject odd", {
        ...payload,
        op: "add",
        payload: { subject: random.pick(ODD_SUBJECTS) },
      }),
    () => signed("created_at odd", { ...payload, created_at: random.pick(ODD_TIMES) }),
    () => ({
      kind: "stranger's event",
      envelope: stranger.envelope({ ...payload, primary: stranger.primary }),
    }),
    () => {
      // Claims this chain's primary and key, signed by another key.
      const envelope = author.envelope(payload);
      (envelope.signature as JsonObject).sig = stranger.signature(payload);
      return { kind: "forged signature", envelope };
    },
    () => {
      const envelope = author.envelope(payload);
      (envelope.signature as JsonObject).key = stranger.primary;
      return { kind: "signature key", envelope };
    },
    () => {
      const envelope = author.envelope(payload);
      const alg = (envelope.signature as JsonObject).alg;
      (envelope.signature as JsonObject).alg = alg === "ed25519-sha512-jcs"
        ? "nostr-secp256k1-schnorr-sha256-jcs"
        : "ed25519-sha512-jcs";
      return { kind: "signature alg", envelope };
    },
    () => {
      const envelope = author.envelope(payload);
      const sig = String((envelope.signature as JsonObject).sig);
      (envelope.signature as JsonObject).sig = random.chance(0.5)
        ? sig.toUpperCase()
        : sig.slice(2);
      return { kind: "signature form", envelope };
    },
    () => ({ kind: "kez", envelope: { ...author.envelope(payload), kez: "sigchain_events" } }),
  ];
  try {
    return random.pick(variants)();
  } catch {
    // A payload with no canonical form (a lone surrogate) cannot be signed: offer it unsigned.
    return { kind: "unsignable", envelope: { kez: "sigchain_event", payload, signature: {} } };
  }
}

function without(o: JsonObject, name: string): JsonObject {
  const copy: JsonObject = { ...o };
  delete copy[name];
  return copy;
}
