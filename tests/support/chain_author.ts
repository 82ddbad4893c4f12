/**
 * Test support: an author with a fresh key who signs the next event of their
 * chain, keeping seq and prev right unless told otherwise.
 *
 * @module
 */

import {
  type Alg,
  canonicalize,
  type Envelope,
  type EventDraft,
  generateSecret,
  hashLine,
  type JsonValue,
  signEvent,
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
