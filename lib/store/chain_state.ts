/**
 * One chain held in memory as the store serves it: its tip (length, head,
 * head line, active subjects), which appends need whatever the chain's
 * length, and its JSONL bytes only while the chain is light.
 *
 * @module
 */

import type { ChainTip, Op } from "../protocol/mod.ts";
import { type ChainSubjects, SubjectSet } from "./chain_subjects.ts";
import { ChainJsonl } from "./chain_jsonl.ts";

const encoder = new TextEncoder();

/**
 * The largest chain, in JSONL bytes, whose lines are kept in memory by
 * default: 1 MiB. Below it a chain is answered from memory in microseconds;
 * above it, the bytes would crowd the cache (8 MiB by default) so that a
 * couple of long chains evict thousands of tips, and the store serves them
 * a page at a time, each page read from SQLite in about a millisecond. A
 * whole 1 MiB chain also reads in one go in a few milliseconds, which bounds
 * what a cache miss of a light chain blocks the event loop for.
 */
export const JSONL_CACHE_MAX = 1024 * 1024;

/**
 * Measured: a one-event chain costs the process about 1.5 KiB beyond its
 * bytes (objects, the set, the buffers' allocations).
 */
const STATE_BYTES = 1536;

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
 * A chain's committed tip, and its JSONL while it stays under a threshold.
 *
 * A state built from seq 0 ({@linkcode ChainState} constructor, then
 * {@linkcode ChainState.push} of every event) knows everything; one built from
 * the head row alone ({@linkcode ChainState.fromHead}) knows the length and
 * head, and learns its active subjects and byte length when the store loads
 * them.
 *
 * @example
 * ```ts
 * import { ChainState } from "./chain_state.ts";
 * const state = new ChainState();
 * state.push({ line: "{}", hash: "sha256:x", op: "add", subject: "a:b" });
 * if (state.length !== 1 || !state.isActive("a:b")) throw new Error("unexpected");
 * if (new TextDecoder().decode(state.jsonl!.after(-1)) !== "{}\n") throw new Error("jsonl");
 * const heavy = new ChainState(2);
 * heavy.push({ line: "{}", hash: "sha256:x", op: "add", subject: "a:b" });
 * if (heavy.jsonl !== undefined || heavy.byteLength !== 3) throw new Error("past the threshold");
 * ```
 */
export class ChainState implements ChainTip {
  #length = 0;
  #head: string | null = null;
  #headLine: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #byteLength: number | undefined = 0;
  #jsonl: ChainJsonl | undefined = new ChainJsonl();
  #linesUnread = false;
  readonly #jsonlMax: number;
  /** The active subjects, once known; the store loads them before an append is checked. */
  subjects: ChainSubjects | undefined = new SubjectSet();

  /**
   * An empty chain, which learns every event pushed.
   *
   * @param jsonlMax the most JSONL bytes to keep; past it the bytes are dropped for good
   */
  constructor(jsonlMax: number = JSONL_CACHE_MAX) {
    this.#jsonlMax = jsonlMax;
  }

  /**
   * A chain known by its head row alone: no JSONL, its active subjects and
   * byte length unknown until set.
   *
   * @param seq the head's seq
   * @param hash the head's hash
   * @param line the head's canonical line, without its newline
   * @param linesUnread true when the chain may be light enough to keep its
   *   JSONL, which was not read: a read should load them (see
   *   {@linkcode ChainState.linesUnread})
   * @returns the state
   */
  static fromHead(seq: number, hash: string, line: string, linesUnread = false): ChainState {
    const state = new ChainState(0);
    state.#length = seq + 1;
    state.#head = hash;
    state.#headLine = encoder.encode(line);
    state.#byteLength = undefined;
    state.#jsonl = undefined;
    state.subjects = undefined;
    state.#linesUnread = linesUnread;
    return state;
  }

  /**
   * True for a state loaded for an append from its head alone, of a chain
   * that may be light enough to keep its JSONL: appends need only the tip,
   * and reading every line for them made a cache of long chains thrash (each
   * append to a chain that had been evicted read all of its lines back).
   * The first read of the chain loads its lines instead.
   */
  get linesUnread(): boolean {
    return this.#linesUnread;
  }

  /** Records that the chain proved too heavy to keep its JSONL: reads page from the store. */
  linesTooHeavy(): void {
    this.#linesUnread = false;
  }

  /** How many events. */
  get length(): number {
    return this.#length;
  }

  /** The last event's hash, or null when empty. */
  get head(): string | null {
    return this.#head;
  }

  /** The chain's JSONL, while it is under the threshold. */
  get jsonl(): ChainJsonl | undefined {
    return this.#jsonl;
  }

  /** The chain's JSONL length in bytes, when known. */
  get byteLength(): number | undefined {
    return this.#byteLength;
  }

  /**
   * Records the JSONL length the store measured for exactly this many events.
   *
   * @param length the chain's length the measure is for
   * @param bytes the JSONL bytes of its events 0 to length - 1
   */
  knowByteLength(length: number, bytes: number): void {
    // A measure taken before events were pushed counts too few bytes.
    if (length === this.#length) this.#byteLength = bytes;
  }

  /**
   * Roughly how many bytes of memory the state holds, for the cache's budget:
   * its active subjects and its JSONL, not its events.
   */
  get weight(): number {
    // With the JSONL, the head line is a view of its bytes.
    const bytes = this.#jsonl?.weight ?? this.#headLine.byteLength;
    return STATE_BYTES + bytes + (this.subjects?.weight ?? 0);
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject
   * @returns true when its last op is an add
   * @throws {Error} when the active subjects are not loaded
   */
  isActive(subject: string): boolean {
    if (this.subjects === undefined) {
      throw new Error("Cannot check a subject: the chain's active subjects are not loaded");
    }
    return this.subjects.isActive(subject);
  }

  /**
   * Appends a committed event.
   *
   * @param event the event
   */
  push(event: StateEvent): void {
    this.#length++;
    this.#head = event.hash;
    if (this.#jsonl === undefined) {
      this.#headLine = encoder.encode(event.line);
    } else {
      // The head line is the JSONL's own bytes, not a second copy of them.
      this.#headLine = this.#jsonl.push(event.line);
      if (this.#jsonl.byteLength > this.#jsonlMax) {
        this.#headLine = this.#headLine.slice();
        this.#jsonl = undefined;
      }
    }
    if (this.#byteLength !== undefined) this.#byteLength += this.#headLine.byteLength + 1;
    this.subjects?.apply(event.op, event.subject);
  }

  /**
   * The last event's canonical line, without its newline.
   *
   * @returns the bytes; empty when the chain is empty
   */
  headBytes(): Uint8Array<ArrayBuffer> {
    return this.#headLine;
  }
}
