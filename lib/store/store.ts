/**
 * The storage interface the HTTP layer talks to. Asynchronous throughout, so
 * that a networked database can implement it without changing any caller.
 *
 * @module
 */

import type { ChainEvent, Primary } from "../protocol/mod.ts";
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
 * Where chains live. Implementations make `append` atomic (the checks of §5
 * and the insert in one transaction) and durable before it resolves.
 */
export interface Store {
  /** The transparency log of spec §10, when the store keeps one. */
  readonly log?: TransparencyLog | undefined;

  /**
   * Appends an event after checks 6–9 of §5 against the stored chain, in one
   * transaction; resolves only once the event is on stable storage.
   *
   * @param event a structurally valid event whose primary was checked (check 5)
   * @returns the stored seq and hash
   * @throws {KezError} `conflict`, `invalid_signature`, `invalid_op` from the checks;
   *   `unavailable` when the store cannot take writes right now
   */
  append(event: ChainEvent): Promise<AppendResult>;

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

  /** Closes the store; later calls fail. */
  close(): Promise<void>;
}
