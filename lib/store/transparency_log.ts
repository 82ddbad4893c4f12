/**
 * The transparency log as the HTTP layer reads it (spec §10.3): always the
 * tree of the latest signed checkpoint, never a leaf beyond it.
 *
 * @module
 */

import type { Primary } from "../protocol/mod.ts";
import type { Tile } from "../tlog/mod.ts";
import type { SignedCheckpoint } from "./log_writer.ts";

/** Read access to the log; every size and index is within the current tree. */
export interface TransparencyLog {
  /** The log's verifier key, `<origin>+<key ID>+<base64 key>`. */
  readonly verifierKey: string;

  /**
   * The latest signed checkpoint: its size is the current tree's.
   *
   * @returns the checkpoint
   */
  checkpoint(): SignedCheckpoint;

  /**
   * A hash tile's bytes, or an entry bundle's.
   *
   * @param tile a tile the current tree has (see `availableWidth`)
   * @returns its bytes
   */
  tile(tile: Tile): Promise<Uint8Array<ArrayBuffer>>;

  /**
   * The leaves `start … end − 1`.
   *
   * @param start the first index
   * @param end one past the last index, at most the current size
   * @returns each leaf's stored line, without a newline
   */
  entries(start: number, end: number): Promise<string[]>;

  /**
   * The audit path of a leaf (RFC 6962 §2.1.1).
   *
   * @param index the leaf
   * @param size the tree, `index < size ≤` current size
   * @returns the hashes, leaf side first
   */
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;

  /**
   * The consistency proof between two trees (RFC 6962 §2.1.2).
   *
   * @param from the older size, `1 ≤ from ≤ to`
   * @param to the newer size, at most the current size
   * @returns the hashes
   */
  consistencyProof(from: number, to: number): Promise<Uint8Array[]>;

  /**
   * Where an event is in the current tree.
   *
   * @param primary the chain
   * @param seq the event's seq
   * @returns its index, or null when the current tree does not hold it
   */
  indexOf(primary: Primary, seq: number): Promise<number | null>;
}
