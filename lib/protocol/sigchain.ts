/**
 * A sigchain held in memory and verified whole (spec §8): each event through
 * the checks of §5, its state the active subjects.
 *
 * @module
 */

import { ActiveSubjects } from "./active_subjects.ts";
import { type ChainTip, checkAppend, checkPrimary, signatureVerdict } from "./append_check.ts";
import { type Envelope, parseEnvelope } from "./envelope.ts";
import { KezError } from "./error.ts";
import {
  type ChainEvent,
  type SignatureVerify,
  toChainEvent,
  verifySignatureInput,
} from "./event.ts";
import { parsePrimary } from "./identifier.ts";
import { type JsonValue, parseJsonText } from "./json.ts";

/**
 * One primary's chain held in memory, valid by construction: every event went
 * through the checks of §5.
 *
 * @example
 * ```ts
 * import { Sigchain, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const first = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key);
 * const chain = new Sigchain(first.payload.primary);
 * const ev = chain.append(first);
 * chain.append(signEvent({ seq: 1, prev: ev.hash, created_at: "2026-01-02T00:00:00Z", op: "revoke", subject: "github:a" }, key));
 * if (chain.length !== 2 || chain.isActive("github:a")) throw new Error("unexpected state");
 * ```
 */
export class Sigchain implements ChainTip {
  /** The owner, canonical `scheme:id`. */
  readonly primary: string;
  #events: ChainEvent[] = [];
  #active = new ActiveSubjects();
  #verify: SignatureVerify;

  /**
   * Starts an empty chain.
   *
   * @param primary the owner, canonical `scheme:id`
   * @param verify checks each appended event's signature itself (§4); noble's,
   *   in place, by default, which runs anywhere
   * @throws {KezError} `invalid_primary`
   */
  constructor(primary: string, verify: SignatureVerify = verifySignatureInput) {
    this.primary = parsePrimary(primary).text;
    this.#verify = verify;
  }

  /**
   * Reads a JSONL chain (one envelope per line, as the server serves it) and
   * verifies it whole, as §8 describes.
   *
   * @param text the JSONL text; a final newline is optional
   * @param primary the expected owner; by default the first event's primary
   * @returns the verified chain
   * @throws {KezError} the code of the first failing check, its message naming the line
   */
  static fromJsonl(text: string, primary?: string): Sigchain {
    const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
    let chain: Sigchain | undefined = primary === undefined ? undefined : new Sigchain(primary);
    lines.forEach((line, i) => {
      try {
        const envelope = parseEnvelope(parseJsonText(line));
        chain ??= new Sigchain(envelope.payload.primary);
        chain.append(envelope);
      } catch (e) {
        if (!(e instanceof KezError)) throw e;
        throw new KezError(e.code, `line ${i + 1}: ${e.message}`, { cause: e });
      }
    });
    if (chain === undefined) {
      throw new KezError("invalid_event", "Cannot read chain: it is empty and names no primary");
    }
    return chain;
  }

  /** How many events the chain holds. */
  get length(): number {
    return this.#events.length;
  }

  /** The hash of the last event, or null when empty. */
  get head(): string | null {
    return this.#events.at(-1)?.hash ?? null;
  }

  /** The events in seq order. */
  get events(): readonly ChainEvent[] {
    return this.#events;
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject string (no normalization)
   * @returns true after an add of it and before a revoke
   */
  isActive(subject: string): boolean {
    return this.#active.isActive(subject);
  }

  /**
   * The active subjects, in the order they were last added.
   *
   * @returns the chain's state (§8)
   */
  activeSubjects(): string[] {
    return [...this.#active];
  }

  /**
   * Appends an event after checks 3–9 of §5.
   *
   * @param value the envelope, parsed JSON or already typed
   * @returns the appended event with its line and hash
   * @throws {KezError} the code of the first failing check
   */
  append(value: JsonValue | Envelope): ChainEvent {
    const envelope = parseEnvelope(value as JsonValue);
    checkPrimary(envelope, this.primary);
    checkAppend(this, envelope, signatureVerdict(envelope, this.#verify));
    const event = toChainEvent(envelope);
    this.#events.push(event);
    this.#active.apply(envelope.payload.op, envelope.payload.payload.subject);
    return event;
  }

  /**
   * The chain as JSONL: each event's canonical line and a newline.
   *
   * @returns what the server would serve for this chain
   */
  toJsonl(): string {
    return this.#events.map((e) => e.line + "\n").join("");
  }
}
