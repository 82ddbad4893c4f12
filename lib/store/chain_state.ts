/**
 * One chain held in memory as the store serves it: its JSONL bytes, its head
 * and its active subjects, so that reads and the append checks need no query.
 *
 * @module
 */

import type { ChainTip, Op } from "../protocol/mod.ts";

const encoder = new TextEncoder();

/** One stored event as the state needs it. */
export interface StateEvent {
  /** `JCS(envelope)`, without a newline. */
  readonly line: string;
  /** Its hash. */
  readonly hash: string;
  /** Its op. */
  readonly op: Op;
  /** Its subject. */
  readonly subject: string;
}

/**
 * A chain's committed events. The JSONL bytes grow in place with spare
 * capacity, so an append copies only the new line, and slices handed out
 * earlier stay valid: they cover bytes that never change.
 *
 * @example
 * ```ts
 * import { ChainState } from "./chain_state.ts";
 * const state = new ChainState();
 * state.push({ line: "{}", hash: "sha256:x", op: "add", subject: "a:b" });
 * if (state.length !== 1 || !state.isActive("a:b")) throw new Error("unexpected");
 * if (new TextDecoder().decode(state.jsonlAfter(-1)) !== "{}\n") throw new Error("jsonl");
 * ```
 */
export class ChainState implements ChainTip {
  #bytes = new Uint8Array(0);
  #size = 0;
  /** The end offset of each line in #bytes, its newline included. */
  #ends: number[] = [];
  #head: string | null = null;
  #active = new Set<string>();
  #subjectChars = 0;

  /** How many events. */
  get length(): number {
    return this.#ends.length;
  }

  /** The last event's hash, or null when empty. */
  get head(): string | null {
    return this.#head;
  }

  /**
   * Roughly how many bytes of memory the state holds, for the cache's budget:
   * measured, a one-event chain costs the process about 1.5 KiB beyond its
   * bytes (objects, the set, the buffer's allocation).
   */
  get weight(): number {
    return 1536 + this.#bytes.byteLength + 16 * this.#ends.length + 2 * this.#subjectChars;
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject
   * @returns true when its last op is an add
   */
  isActive(subject: string): boolean {
    return this.#active.has(subject);
  }

  /**
   * Appends a committed event.
   *
   * @param event the event
   */
  push(event: StateEvent): void {
    const line = encoder.encode(event.line + "\n");
    if (this.#size + line.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#size + line.length));
      grown.set(this.#bytes.subarray(0, this.#size));
      this.#bytes = grown;
    }
    this.#bytes.set(line, this.#size);
    this.#size += line.length;
    this.#ends.push(this.#size);
    this.#head = event.hash;
    if (event.op === "add") {
      this.#active.add(event.subject);
      this.#subjectChars += event.subject.length;
    } else {
      this.#active.delete(event.subject);
    }
  }

  /**
   * The JSONL of the events after a seq.
   *
   * @param after a seq; -1 for the whole chain
   * @returns the bytes, each line with its newline; empty past the head
   */
  jsonlAfter(after: number): Uint8Array<ArrayBuffer> {
    const start = after < 0 ? 0 : after >= this.length ? this.#size : this.#ends[after]!;
    return this.#bytes.subarray(start, this.#size);
  }

  /**
   * The last event's canonical line, without its newline.
   *
   * @returns the bytes; empty when the chain is empty
   */
  headBytes(): Uint8Array<ArrayBuffer> {
    const n = this.length;
    if (n === 0) return this.#bytes.subarray(0, 0);
    const start = n === 1 ? 0 : this.#ends[n - 2]!;
    return this.#bytes.subarray(start, this.#size - 1);
  }
}
