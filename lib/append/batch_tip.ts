/**
 * A chain's tip while a batch is being checked: the committed state plus the
 * batch's accepted events, so that appends to one chain within one batch are
 * checked in order without touching the committed state.
 *
 * @module
 */

import type { ChainTip } from "../protocol/mod.ts";
import type { ChainState, StateEvent } from "./chain_state.ts";

/**
 * The committed state of a chain with a batch's pending events on top.
 *
 * @example
 * ```ts
 * import { BatchTip } from "./batch_tip.ts";
 * import { ChainState } from "./chain_state.ts";
 * const tip = new BatchTip(new ChainState());
 * tip.push({ line: "{}", hash: "sha256:x", op: "add", subject: "a:b" });
 * if (tip.length !== 1 || !tip.isActive("a:b")) throw new Error("unexpected");
 * ```
 */
export class BatchTip implements ChainTip {
  /** The committed state, unchanged until the batch commits. */
  readonly base: ChainState;
  /** The batch's accepted events, in seq order. */
  readonly pending: StateEvent[] = [];

  /**
   * @param base the chain's committed state
   */
  constructor(base: ChainState) {
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
   * Tells whether a subject is active, the pending events included.
   *
   * @param subject the exact subject
   * @returns true when its last op is an add
   */
  isActive(subject: string): boolean {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const e = this.pending[i]!;
      if (e.subject === subject) return e.op === "add";
    }
    return this.base.isActive(subject);
  }

  /**
   * Adds an accepted event of the batch.
   *
   * @param event the event
   */
  push(event: StateEvent): void {
    this.pending.push(event);
  }
}
