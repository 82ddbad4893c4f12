/**
 * A chain's tip while a batch is being checked: the committed tip plus the
 * batch's accepted events, so that appends to one chain within one batch are
 * checked in order without touching the committed state.
 *
 * @module
 */

import { type ChainEvent, type ChainTip, isActiveAfter } from "../protocol/mod.ts";

/**
 * The committed tip of a chain with a batch's pending events on top.
 *
 * @example
 * ```ts
 * import { BatchTip } from "./batch_tip.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const alg = "ed25519-sha512-jcs";
 * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "a:b" }, { alg, secret: generateSecret(alg) }));
 * const tip = new BatchTip({ length: 0, head: null, isActive: () => false });
 * tip.push(event);
 * if (tip.length !== 1 || tip.head !== event.hash || !tip.isActive("a:b")) throw new Error("unexpected");
 * ```
 */
export class BatchTip implements ChainTip {
  /** The committed tip, unchanged until the batch commits. */
  readonly base: ChainTip;
  /** The batch's accepted events, in seq order. */
  readonly pending: ChainEvent[] = [];

  /**
   * @param base the chain's committed tip
   */
  constructor(base: ChainTip) {
    this.base = base;
  }

  /** The chain's length with the pending events. */
  get length(): number {
    return this.base.length + this.pending.length;
  }

  /** The last hash, pending or committed. */
  get head(): string | null {
    return this.pending.at(-1)?.hash ?? this.base.head;
  }

  /**
   * Tells whether a subject is active, the pending events included: the
   * latest pending op naming it decides, else the committed tip.
   *
   * @param subject the exact subject
   * @returns true when its latest op is an add
   */
  isActive(subject: string): boolean {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const { op, payload } = this.pending[i]!.envelope.payload;
      if (payload.subject === subject) return isActiveAfter(op);
    }
    return this.base.isActive(subject);
  }

  /**
   * Adds an accepted event of the batch.
   *
   * @param event the event
   */
  push(event: ChainEvent): void {
    this.pending.push(event);
  }
}
