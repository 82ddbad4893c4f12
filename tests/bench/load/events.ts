/**
 * Chains of valid signed events built fast: the canonical lines are written
 * from a template (every value is plain ASCII, so `JSON.stringify` of each
 * string is its JCS form), hashed with `node:crypto`, and a sample is checked
 * against `lib/protocol` every time, so a template drift cannot go unnoticed.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  canonicalize,
  hashLine,
  type JsonValue,
  parseEnvelope,
  parseJsonText,
  Sigchain,
  signEvent,
  verifyEventSignature,
} from "../../../lib/protocol/mod.ts";
import { ed25519Signer, type Signer } from "./signers.ts";

/** One signed event as the server stores it. */
export interface BuiltEvent {
  /** The primary's scheme: the `primary_scheme` column. */
  readonly scheme: string;
  /** The primary after `scheme:`: the `primary_id` column and the URL's id segment. */
  readonly id: string;
  /** The event's seq. */
  readonly seq: number;
  /** `JCS(envelope)`: the stored line and the POST body. */
  readonly line: string;
  /** `"sha256:"` + hex SHA-256 of `line`: what a `201` answers. */
  readonly hash: string;
}

/** The one creation time of every built event; fixed width keeps all bodies one size. */
export const CREATED_AT = "2026-01-01T00:00:00Z";

/**
 * The subject of event `seq`: unique within a chain, so every event is a
 * valid `add` (§5 check 9), and of fixed width, so events of every chain have
 * the same byte size.
 *
 * @param seq the event's seq
 * @returns `github:user-0000000`-style subject
 */
export function subjectOf(seq: number): string {
  return `github:user-${String(seq).padStart(7, "0")}`;
}

const encoder = new TextEncoder();

/** Writes the events of one primary's chain in order, tracking seq and prev. */
export class ChainWriter {
  readonly #signer: Signer;
  readonly #scheme: string;
  readonly #id: string;
  #seq = 0;
  #prev: string | undefined;

  /** @param signer signs for the chain's primary */
  constructor(signer: Signer) {
    this.#signer = signer;
    const colon = signer.primary.indexOf(":");
    this.#scheme = signer.primary.slice(0, colon);
    this.#id = signer.primary.slice(colon + 1);
  }

  /** The URL path of the chain, `/v1/sigchains/{scheme}/{id}`. */
  get path(): string {
    return `/v1/sigchains/${this.#scheme}/${this.#id}`;
  }

  /**
   * Signs the next event, an `add` of {@linkcode subjectOf}(seq).
   *
   * @returns the event
   */
  next(): BuiltEvent {
    const seq = this.#seq;
    const { alg, primary } = this.#signer;
    // Members in JCS order (sorted by UTF-16 code units).
    const payload =
      `{"created_at":"${CREATED_AT}","op":"add","payload":{"subject":"${subjectOf(seq)}"},${
        this.#prev === undefined ? "" : `"prev":"${this.#prev}",`
      }"primary":"${primary}",` +
      `"seq":${seq},"type":"kez.sigchain.event","version":1}`;
    const sig = this.#signer.sign(encoder.encode(payload));
    const line =
      `{"kez":"sigchain_event","payload":${payload},"signature":{"alg":"${alg}","key":"${primary}","sig":"${sig}"}}`;
    const hash = `sha256:${createHash("sha256").update(line).digest("hex")}`;
    this.#seq = seq + 1;
    this.#prev = hash;
    return { scheme: this.#scheme, id: this.#id, seq, line, hash };
  }
}

/**
 * Checks built events with the protocol core: each sampled line parses as an
 * envelope, is its own JCS form, hashes to its hash and carries a valid
 * signature; a whole chain verifies as spec §8 says; and an Ed25519 event is
 * byte for byte what `signEvent` makes from the same seed.
 *
 * @param events events to sample from (any chains, any order)
 * @param chain one whole chain, seq 0 first, or an empty list
 * @param samples how many events to check, spread evenly
 * @throws {Error} naming the first event that is not valid
 */
export function checkEvents(
  events: readonly BuiltEvent[],
  chain: readonly BuiltEvent[],
  samples = 64,
): void {
  const step = Math.max(1, Math.floor(events.length / samples));
  for (let i = 0; i < events.length; i += step) {
    const ev = events[i]!;
    const envelope = parseEnvelope(parseJsonText(ev.line));
    const where = `event ${ev.scheme}:${ev.id} #${ev.seq}`;
    if (canonicalize(envelope as unknown as JsonValue) !== ev.line) {
      throw new Error(`${where}: line is not JCS`);
    }
    if (hashLine(ev.line) !== ev.hash) throw new Error(`${where}: wrong hash`);
    if (envelope.payload.primary !== `${ev.scheme}:${ev.id}` || envelope.payload.seq !== ev.seq) {
      throw new Error(`${where}: primary or seq differs from its row`);
    }
    verifyEventSignature(envelope);
  }
  if (chain.length > 0) Sigchain.fromJsonl(chain.map((e) => e.line).join("\n"));

  const seed = crypto.getRandomValues(new Uint8Array(32));
  const ours = new ChainWriter(ed25519Signer(seed)).next().line;
  const draft = { seq: 0, created_at: CREATED_AT, op: "add", subject: subjectOf(0) } as const;
  const theirs = canonicalize(
    signEvent(draft, { alg: "ed25519-sha512-jcs", secret: seed }) as unknown as JsonValue,
  );
  if (ours !== theirs) throw new Error(`built event differs from signEvent:\n${ours}\n${theirs}`);
}
