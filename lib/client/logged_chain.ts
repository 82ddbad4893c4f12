/**
 * The chain a transparency log holds for one primary, as a monitor rebuilds
 * it from the log's entries: each event verified by spec §5 (checks 5–9, so
 * the chain is valid as §8 says), with its hash and log index, in a form
 * small enough to keep between runs.
 *
 * @module
 */

import {
  ActiveSubjects,
  type ChainEvent,
  type ChainTip,
  checkAppend,
  checkPrimary,
  signatureVerdict,
} from "../protocol/mod.ts";

/** A logged chain as kept between runs. */
export interface LoggedChainState {
  /** Each event's hash, by seq. */
  readonly hashes: readonly string[];
  /** Each event's index in the log, by seq. */
  readonly indices: readonly number[];
  /** The active subjects after the last event. */
  readonly active: readonly string[];
}

/**
 * One primary's chain in the log.
 *
 * @example
 * ```ts
 * import { LoggedChain } from "./logged_chain.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key));
 * const chain = new LoggedChain(event.envelope.payload.primary);
 * chain.append(event, 7);
 * const resumed = new LoggedChain(chain.primary, chain.toState());
 * if (resumed.indices[0] !== 7 || !resumed.isActive("github:a")) throw new Error("unexpected");
 * ```
 */
export class LoggedChain implements ChainTip {
  /** The owner, canonical `scheme:id`. */
  readonly primary: string;
  readonly #hashes: string[];
  readonly #indices: number[];
  readonly #active: ActiveSubjects;

  /**
   * @param primary the owner, canonical `scheme:id`
   * @param state the chain as kept, or nothing for an empty one
   */
  constructor(primary: string, state?: LoggedChainState) {
    this.primary = primary;
    this.#hashes = [...state?.hashes ?? []];
    this.#indices = [...state?.indices ?? []];
    this.#active = new ActiveSubjects(state?.active);
  }

  /** How many events the log holds for the primary. */
  get length(): number {
    return this.#hashes.length;
  }

  /** The last event's hash, or null when empty. */
  get head(): string | null {
    return this.#hashes.at(-1) ?? null;
  }

  /** Each event's hash, by seq. */
  get hashes(): readonly string[] {
    return this.#hashes;
  }

  /** Each event's log index, by seq. */
  get indices(): readonly number[] {
    return this.#indices;
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject string
   * @returns true after an add of it and before a revoke
   */
  isActive(subject: string): boolean {
    return this.#active.isActive(subject);
  }

  /**
   * Appends the log's next event of this primary after checks 5–9 of §5.
   *
   * @param event the event, parsed from the log's entry
   * @param index its index in the log
   * @throws {KezError} `wrong_primary`, `conflict`, `invalid_signature` or
   *   `invalid_op`: the log holds an event that does not extend the chain
   */
  append(event: ChainEvent, index: number): void {
    const { envelope } = event;
    checkPrimary(envelope, this.primary);
    checkAppend(this, envelope, signatureVerdict(envelope));
    this.#hashes.push(event.hash);
    this.#indices.push(index);
    this.#active.apply(envelope.payload.op, envelope.payload.payload.subject);
  }

  /**
   * The chain in the form kept between runs.
   *
   * @returns hashes, indices and active subjects
   */
  toState(): LoggedChainState {
    return { hashes: [...this.#hashes], indices: [...this.#indices], active: [...this.#active] };
  }
}
