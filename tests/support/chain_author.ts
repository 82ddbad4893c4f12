/**
 * Test support: an author with a fresh key who signs the next event of their
 * chain, keeping seq and prev right unless told otherwise.
 *
 * @module
 */

import {
  type Alg,
  canonicalize,
  type ChainEvent,
  type Envelope,
  type EventDraft,
  generateSecret,
  hashLine,
  type JsonValue,
  signEvent,
  toChainEvent,
} from "../../lib/protocol/mod.ts";

/** Signs events for one primary and tracks its chain's tip. */
export class ChainAuthor {
  readonly alg: Alg;
  readonly secret: Uint8Array;
  readonly primary: string;
  #seq = 0;
  #prev: string | undefined;

  /**
   * @param alg the signature algorithm, which decides the primary's scheme
   * @param secret a fixed secret, for reproducible events
   */
  constructor(alg: Alg = "ed25519-sha512-jcs", secret: Uint8Array = generateSecret(alg)) {
    this.alg = alg;
    this.secret = secret;
    this.primary =
      this.sign({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "x:y" })
        .payload.primary;
  }

  /** The URL path segments of the primary: `scheme/id`. */
  get path(): string {
    return this.primary.replace(":", "/");
  }

  /**
   * Signs an arbitrary draft without touching the tip.
   *
   * @param draft the event's fields
   * @returns the envelope
   */
  sign(draft: EventDraft): Envelope {
    return signEvent(draft, { alg: this.alg, secret: this.secret });
  }

  /**
   * Signs the next event and advances the tip, as if the server accepted it.
   *
   * @param op add or revoke
   * @param subject the subject
   * @param overrides fields to force (a wrong seq or prev, for instance)
   * @returns the envelope
   */
  next(op: "add" | "revoke", subject: string, overrides: Partial<EventDraft> = {}): Envelope {
    const env = this.sign({
      seq: this.#seq,
      ...(this.#prev === undefined ? {} : { prev: this.#prev }),
      created_at: `2026-01-01T00:00:${String(this.#seq % 60).padStart(2, "0")}Z`,
      op,
      subject,
      ...overrides,
    });
    this.#seq = env.payload.seq + 1;
    this.#prev = hashLine(canonicalize(env as unknown as JsonValue));
    return env;
  }
}

/**
 * The canonical line of an envelope, as the server stores it.
 *
 * @param env the envelope
 * @returns `JCS(env)`
 */
export function lineOf(env: Envelope | JsonValue): string {
  return canonicalize(env as JsonValue);
}

/**
 * `count` events of each of `chains` new chains, interleaved: chain 0's
 * first, chain 1's first, …, then each chain's second, and so on.
 *
 * @param chains how many chains, each with a new author
 * @param count events per chain
 * @returns the events, ready to append
 */
export function interleavedEvents(chains: number, count: number): ChainEvent[] {
  const authors = Array.from({ length: chains }, () => new ChainAuthor());
  const out: ChainEvent[] = [];
  for (let i = 0; i < count; i++) {
    for (const a of authors) out.push(toChainEvent(a.next("add", `github:u${i}`)));
  }
  return out;
}
