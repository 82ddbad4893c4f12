/**
 * The storage interface: what the HTTP layer reads, and the one write the
 * appender asks for, a batch committed whole. Asynchronous throughout, so
 * that a networked database can implement it without changing any caller.
 *
 * @module
 */

import type { ChainEvent, ChainTip, Primary } from "../protocol/mod.ts";
import type { TransparencyLog } from "./transparency_log.ts";

/** What a successful append reports (§5): the new event's seq and hash. */
export interface AppendResult {
  /** The seq the event was stored at. */
  readonly seq: number;
  /** Its hash: what the next event's `prev` must be. */
  readonly hash: string;
  /** Its index in the transparency log (§10.1), when the store keeps one. */
  readonly index?: number;
}

/** The last event of a chain. */
export interface StoredHead {
  /** Its seq; the chain holds `seq + 1` events. */
  readonly seq: number;
  /** Its hash (§2). */
  readonly hash: string;
  /** Its canonical line, `JCS(envelope)` as UTF-8, without a newline. */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/**
 * A chain as read in one consistent snapshot: the lines are exactly those of
 * the events up to `head`, so an ETag made of the head's hash names the body.
 */
export interface StoredChain {
  /** The chain's last event. */
  readonly head: StoredHead;
  /**
   * The requested events as JSONL: each canonical line and a newline, in seq
   * order. Bytes in memory for a light chain or a short answer; for a long
   * one, a stream that reads the store a page at a time as it is read, so
   * that the answer is never held whole, which its reader must consume or
   * cancel.
   */
  readonly jsonl: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>;
  /**
   * The JSONL's length in bytes, always known, so that a streamed answer and
   * its `HEAD` carry `Content-Length` as spec §6 asks; for a stream it was
   * measured inside the database, without reading the lines out.
   */
  readonly byteLength: number;
}

/** Options of {@linkcode Store.readChain}. */
export interface ReadChainOptions {
  /** Only the events with a seq greater than this (spec §6.2). */
  readonly after?: number;
}

/**
 * One batch of appends, offered to {@linkcode Store.commit}: the candidate
 * events and the rule that picks which of them are stored. The rule (spec
 * §5 checks 6–9, in order) is the appender's; the store only supplies each
 * chain's tip as it stands inside the commit and writes what is picked.
 */
export interface Batch {
  /**
   * The candidate events, in the order they are checked; one chain's appear
   * in seq order. A store may read ahead from them what `decide` will ask:
   * the tips of their primaries, and whether their subjects are active.
   */
  readonly events: readonly ChainEvent[];
  /**
   * Picks the events to store, called once per commit, synchronously, after
   * the store holds the batch's chains against other writers and before it
   * writes anything.
   *
   * @param tipOf the committed tip of a chain, by canonical primary: asked
   *   only for the primaries of `events`, and its `isActive` only for their
   *   subjects; it throws when the chain cannot be read, which fails the batch
   * @returns the events to store, a subsequence of `events` in their order
   */
  decide(tipOf: (primary: string) => ChainTip): readonly ChainEvent[];
}

/**
 * Where chains live. A second implementation (another database) is one more
 * class behind this interface: everything about checking and batching
 * appends is the appender's, so a store reads, caches and commits.
 */
export interface Store {
  /** The transparency log of spec §10, when the store keeps one. */
  readonly log?: TransparencyLog | undefined;

  /**
   * Starts reading, off the commit path, what checking these events will
   * need (a long chain's active subjects, say), so that their commit does
   * not block on it. Never rejects: a failure shows again at the commit.
   *
   * @param events events about to join a batch
   * @returns what to wait for before queueing them, or null when nothing is to be read
   */
  preload(events: readonly ChainEvent[]): Promise<unknown> | null;

  /**
   * Commits one batch in one transaction, durable (fsynced) before it
   * resolves: holds the batch's chains against other writers (SQLite: their
   * lengths checked again under the write lock; PostgreSQL: their rows locked
   * `FOR UPDATE`), lets `batch.decide` pick the events against their tips,
   * inserts those, appends them to the transparency log under a new signed
   * checkpoint, and commits. The store's cache takes the events only after
   * the commit. One batch is committed at a time: the caller waits for one
   * to settle before it offers the next.
   *
   * @param batch the candidate events and the rule that picks them
   * @returns one result per picked event, in their order; none when none was picked
   * @throws {KezError} `unavailable` when the store cannot take writes right now, or
   *   another writer changed a chain of the batch meanwhile; then nothing was written
   */
  commit(batch: Batch): Promise<readonly AppendResult[]>;

  /**
   * Reads a chain.
   *
   * @param primary the owner
   * @param options which events to return
   * @returns the head and the lines, or null when the chain has no events
   * @throws {KezError} `unavailable` when the store cannot be read right now
   */
  readChain(primary: Primary, options?: ReadChainOptions): Promise<StoredChain | null>;

  /**
   * Reads a chain's last event.
   *
   * @param primary the owner
   * @returns the head, or null when the chain has no events
   */
  readHead(primary: Primary): Promise<StoredHead | null>;

  /**
   * Reads a chain's last event at once, on a store whose reads wait on
   * nothing (SQLite's), so that the route answers without a promise,
   * measured faster for the most frequent read. (A chain's lines answered
   * at once measured no faster, so `readChain` has no such twin.)
   *
   * @param primary the owner
   * @returns the head, or null when the chain has no events
   * @throws {KezError} as {@linkcode readHead} rejects
   */
  readHeadNow?(primary: Primary): StoredHead | null;

  /** Closes the store once the batch in flight is committed; later calls fail. */
  close(): Promise<void>;
}
