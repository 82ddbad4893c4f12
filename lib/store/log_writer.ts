/**
 * Growing the transparency log (spec §10) inside the transaction that stores
 * the events: leaves, subtree hashes and a signed checkpoint commit together
 * with the rows, or not at all.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createPrivateKey, sign } from "node:crypto";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { ed25519 } from "@noble/curves/ed25519.js";
import { equalBytes, fromHex } from "../protocol/mod.ts";
import {
  CompactRange,
  HASH_SIZE,
  type HashReader,
  leafHash,
  signCheckpointWith,
  type VerifierKey,
  verifierKey,
} from "../tlog/mod.ts";

/** The log's identity: its origin (also its key name) and its Ed25519 seed. */
export interface LogSigner {
  /** The origin line of its checkpoints. */
  readonly origin: string;
  /** The 32-byte Ed25519 secret seed. */
  readonly seed: Uint8Array;
}

/** A signed tree head of the log. */
export interface SignedCheckpoint {
  /** The number of leaves. */
  readonly size: number;
  /** The root of those leaves. */
  readonly root: Uint8Array;
  /** The signed note, as served at `/v1/log/checkpoint`. */
  readonly note: string;
}

/** What one {@linkcode LogWriter.extend} added. */
export interface LogExtension {
  /** The index of each added event, by its `sigchain_events` rowid. */
  readonly indexOf: ReadonlyMap<number, number>;
  /** How many leaves were added. */
  readonly added: number;
  /** The checkpoint signed for the log as it now is. */
  readonly checkpoint: SignedCheckpoint;
}

interface StateRow {
  size: number;
  last_event_rowid: number;
  root: Uint8Array;
  checkpoint: string;
}

interface EventRowOut {
  rowid: number;
  envelope_json: string;
}

/**
 * Reads the hashes of complete subtrees from `kez_log_entries`: a leaf's from
 * its row, a larger subtree's from the row of the leaf that completed it.
 *
 * @param db the connection
 * @returns a reader for proofs, tiles and resuming a {@linkcode CompactRange}
 */
export function sqliteHashReader(db: DatabaseSync): HashReader {
  const select = db.prepare("SELECT leaf_hash, nodes FROM kez_log_entries WHERE idx = ?");
  return {
    hashAt(level, index) {
      const row = select.get(completedBy(level, index)) as LeafRow | undefined;
      const hash = row === undefined ? undefined : heldHash(row, level);
      if (hash === undefined) {
        throw new RangeError(`The log has no subtree hash at level ${level}, index ${index}`);
      }
      return hash;
    },
  };
}

/** A row of `kez_log_entries` as far as hashes go. */
export interface LeafRow {
  /** The leaf's hash. */
  readonly leaf_hash: unknown;
  /** The hashes of the subtrees the leaf completes, levels 1 and up. */
  readonly nodes: unknown;
}

/**
 * A hash a leaf's row holds: its own at level 0, else the one of the subtree
 * of that height it completes.
 *
 * @param row the leaf's row
 * @param level the subtree's height
 * @returns the 32-byte hash, or undefined when the row holds none at that
 *   level (or a value of another type: a file changed by hand)
 *
 * @example
 * ```ts
 * import { heldHash } from "./log_writer.ts";
 * const row = { leaf_hash: new Uint8Array(32), nodes: new Uint8Array(64).fill(1) };
 * if (heldHash(row, 2)?.[0] !== 1 || heldHash(row, 3) !== undefined) throw new Error("unexpected");
 * ```
 */
export function heldHash(row: LeafRow, level: number): Uint8Array | undefined {
  const held = level === 0 ? row.leaf_hash : row.nodes;
  if (!(held instanceof Uint8Array)) return undefined;
  const hash = level === 0 ? held : held.subarray((level - 1) * HASH_SIZE, level * HASH_SIZE);
  return hash.length === HASH_SIZE ? hash : undefined;
}

/**
 * The leaf whose append completes a subtree: its last leaf.
 *
 * @param level the subtree's height
 * @param index its position among the subtrees of that level
 * @returns the leaf's index
 *
 * @example
 * ```ts
 * import { completedBy } from "./log_writer.ts";
 * if (completedBy(0, 5) !== 5 || completedBy(2, 1) !== 7) throw new Error("unexpected");
 * ```
 */
export function completedBy(level: number, index: number): number {
  return (index + 1) * 2 ** level - 1;
}

const encoder = new TextEncoder();
/** The DER prefix of an Ed25519 PKCS #8 private key (RFC 8410), before the 32-byte seed. */
const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");

/**
 * Adds stored events to the log and signs its checkpoints. Every method runs
 * inside a write transaction of the caller's, so the log, the events and the
 * checkpoint commit together: after a crash they always agree.
 *
 * Before it signs, it checks that the tree it extends is the one of the last
 * signed checkpoint, so it never signs two inconsistent checkpoints.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { LogWriter } from "./log_writer.ts";
 * import { LOG_SCHEMA, ORIGINAL_SCHEMA } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(ORIGINAL_SCHEMA + LOG_SCHEMA);
 * db.prepare("INSERT INTO sigchain_events VALUES ('ed25519', 'ab', 0, '{}', 'sha256:x', 't')").run();
 * const log = new LogWriter(db, { origin: "example.com/log", seed: new Uint8Array(32) });
 * db.exec("BEGIN IMMEDIATE");
 * const added = log.extend();
 * db.exec("COMMIT");
 * if (added.checkpoint.size !== 1 || added.indexOf.get(1) !== 0) throw new Error("unexpected");
 * ```
 */
export class LogWriter {
  readonly #origin: string;
  readonly #key: VerifierKey;
  readonly #sign: (message: Uint8Array) => Uint8Array;
  readonly #reader: HashReader;
  readonly #state: StatementSync;
  readonly #pending: StatementSync;
  readonly #row: StatementSync;
  readonly #insertEntry: StatementSync;
  readonly #saveState: StatementSync;
  /** The tree as this writer last left it; null when it must be read afresh. */
  #range: CompactRange | null = null;
  /** That tree's root, kept so that each batch need not hash it again. */
  #root: Uint8Array | null = null;

  /**
   * @param db a connection to a database with the log's tables
   * @param signer the log's origin and key
   */
  /** The log's verifier key. */
  get key(): VerifierKey {
    return this.#key;
  }

  constructor(db: DatabaseSync, signer: LogSigner) {
    this.#origin = signer.origin;
    this.#key = verifierKey(signer.origin, ed25519.getPublicKey(signer.seed));
    // node:crypto signs in about 16 µs, where noble takes 250: a signature per batch.
    const privateKey = createPrivateKey({
      key: Buffer.from([...PKCS8_PREFIX, ...signer.seed]),
      format: "der",
      type: "pkcs8",
    });
    this.#sign = (message) => sign(null, message, privateKey);
    this.#reader = sqliteHashReader(db);
    this.#state = db.prepare(
      "SELECT size, last_event_rowid, root, checkpoint FROM kez_log_state WHERE id = 1",
    );
    this.#pending = db.prepare(
      "SELECT rowid, envelope_json FROM sigchain_events WHERE rowid > ? ORDER BY rowid LIMIT ?",
    );
    this.#row = db.prepare("SELECT rowid, envelope_json FROM sigchain_events WHERE rowid = ?");
    this.#insertEntry = db.prepare(
      `INSERT INTO kez_log_entries (idx, event_rowid, leaf_hash, nodes, entry)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.#saveState = db.prepare(
      `INSERT OR REPLACE INTO kez_log_state (id, size, last_event_rowid, root, checkpoint)
       VALUES (1, ?, ?, ?, ?)`,
    );
  }

  /**
   * Adds the stored events that the log does not hold yet, in rowid order,
   * and signs a checkpoint of the result. Call it inside a write transaction,
   * after inserting a batch's rows: rows another process stored meanwhile
   * join the log too, before them.
   *
   * @param limit the most events to add, besides `inserted`
   * @param inserted the rowids of the rows this transaction inserted: they
   *   join the log even when SQLite gave one a rowid the log has passed
   *   (which it does after the row with the largest rowid was deleted)
   * @returns the indices given and the new checkpoint
   * @throws {Error} when the stored hashes do not give the last checkpoint's
   *   root (the file was changed), or SQLite fails; the caller rolls back
   */
  extend(limit: number = Number.MAX_SAFE_INTEGER, inserted: readonly number[] = []): LogExtension {
    try {
      return this.#extend(limit, inserted);
    } catch (e) {
      // Rolled back by the caller: the tree in memory is ahead of the file.
      this.#range = null;
      throw e;
    }
  }

  #extend(limit: number, inserted: readonly number[]): LogExtension {
    const state = this.#state.get() as StateRow | undefined;
    const size = state?.size ?? 0;
    let range = this.#range;
    // Another process's log writer, or a batch rolled back after extending the
    // tree in memory, leaves this tree apart from the file's: read it afresh.
    if (range === null || range.size !== size || !this.#signed(this.#root, state)) {
      range = CompactRange.fromReader(size, this.#reader);
      this.#range = range;
      this.#root = range.root();
      if (!this.#signed(this.#root, state)) {
        throw new Error(
          `Cannot extend the log: its stored hashes give another root at size ${size} than its last checkpoint`,
        );
      }
    }
    const last = state?.last_event_rowid ?? 0;
    const rows = this.#pending.all(last, limit) as unknown as EventRowOut[];
    for (const rowid of inserted) {
      if (rowid <= last) rows.push(this.#row.get(rowid) as unknown as EventRowOut);
    }
    const indexOf = new Map<number, number>();
    let lastRowid = last;
    for (const row of rows) {
      const index = range.size;
      const [leaf, ...nodes] = range.append(leafHash(encoder.encode(row.envelope_json)));
      const joined = new Uint8Array(nodes.length * HASH_SIZE);
      nodes.forEach((node, i) => joined.set(node.hash, i * HASH_SIZE));
      this.#insertEntry.run(index, row.rowid, leaf!.hash, joined, row.envelope_json);
      indexOf.set(row.rowid, index);
      lastRowid = Math.max(lastRowid, row.rowid);
    }
    const checkpoint = this.#checkpoint(range);
    // Signatures are deterministic: an unchanged tree under the same key and
    // origin (every start but the first) has its note stored already.
    if (rows.length > 0 || state?.checkpoint !== checkpoint.note) {
      this.#saveState.run(range.size, lastRowid, checkpoint.root, checkpoint.note);
    }
    return { indexOf, added: rows.length, checkpoint };
  }

  /** Whether the tree is the one of the last signed checkpoint. */
  #signed(root: Uint8Array | null, state: StateRow | undefined): boolean {
    return state === undefined || (root !== null && equalBytes(root, state.root));
  }

  #checkpoint(range: CompactRange): SignedCheckpoint {
    const root = range.root();
    this.#root = root;
    const checkpoint = { origin: this.#origin, size: range.size, root };
    return { size: range.size, root, note: signCheckpointWith(checkpoint, this.#key, this.#sign) };
  }
}
