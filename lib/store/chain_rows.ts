/**
 * The reads of a chain's rows from spec §7's table, each bounded by a seq
 * range so that its cost follows its answer, not the chain's length.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Op } from "../protocol/mod.ts";

/** A row as served: its seq, canonical line and hash. */
export interface LineRow {
  readonly seq: number;
  readonly envelope_json: string;
  readonly envelope_hash: string;
}

/** A row with the op and subject of its event, for building a chain's state. */
export interface EventRowRead extends LineRow {
  readonly op: Op;
  readonly subject: string;
}

/** A row's op and subject, for loading a chain's active subjects. */
export interface OpRow {
  readonly seq: number;
  readonly op: Op;
  readonly subject: string;
}

const WHERE_CHAIN = "primary_scheme = ? AND primary_id = ?";
const OP = "json_extract(envelope_json, '$.payload.op')";
const SUBJECT = "json_extract(envelope_json, '$.payload.payload.subject')";

/**
 * Prepared reads of chains on one connection, counting the rows they bring
 * into memory (sums and lookups inside SQLite count none), so that a test or
 * an operator can see what a request cost without instrumenting SQLite.
 * Every read takes `all()`, never `iterate()`: Deno's `iterate()` ends quietly
 * on an error, which would make a chain look shorter than it is.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { ChainRows } from "./chain_rows.ts";
 * import { ORIGINAL_SCHEMA } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(ORIGINAL_SCHEMA);
 * db.exec(`INSERT INTO sigchain_events VALUES ('ed25519', 'ab', 0, '{"a":1}', 'sha256:x', 't')`);
 * const rows = new ChainRows(db);
 * if (rows.head("ed25519", "ab")?.seq !== 0) throw new Error("head");
 * if (rows.lines("ed25519", "ab", -1, 0, 10).length !== 1 || rows.rowsRead !== 2) throw new Error("read");
 * if (rows.bytes("ed25519", "ab", -1, 0) !== 8) throw new Error("bytes");
 * ```
 */
export class ChainRows {
  #head: StatementSync;
  #lines: StatementSync;
  #events: StatementSync;
  #ops: StatementSync;
  #bytes: StatementSync;
  #latestOp: StatementSync;
  #rowsRead = 0;

  /**
   * @param db the connection
   */
  constructor(db: DatabaseSync) {
    this.#head = db.prepare(
      `SELECT seq, envelope_json, envelope_hash FROM sigchain_events
       WHERE ${WHERE_CHAIN} ORDER BY seq DESC LIMIT 1`,
    );
    this.#lines = db.prepare(
      `SELECT seq, envelope_json, envelope_hash FROM sigchain_events
       WHERE ${WHERE_CHAIN} AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    );
    this.#events = db.prepare(
      `SELECT seq, envelope_json, envelope_hash, ${OP} AS op, ${SUBJECT} AS subject
       FROM sigchain_events
       WHERE ${WHERE_CHAIN} AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    );
    this.#ops = db.prepare(
      `SELECT seq, ${OP} AS op, ${SUBJECT} AS subject FROM sigchain_events
       WHERE ${WHERE_CHAIN} AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    );
    // The byte length of TEXT in a UTF-8 database, as the JSONL carries it, plus its newline.
    this.#bytes = db.prepare(
      `SELECT coalesce(sum(octet_length(envelope_json) + 1), 0) AS bytes FROM sigchain_events
       WHERE ${WHERE_CHAIN} AND seq > ? AND seq <= ?`,
    );
    this.#latestOp = db.prepare(
      `SELECT ${OP} AS op FROM sigchain_events
       WHERE ${WHERE_CHAIN} AND seq <= ? AND ${SUBJECT} = ? ORDER BY seq DESC LIMIT 1`,
    );
  }

  /** How many rows the reads have brought into memory so far. */
  get rowsRead(): number {
    return this.#rowsRead;
  }

  /**
   * The row with the highest seq.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @returns the row, or undefined when the chain has none
   */
  head(scheme: string, id: string): LineRow | undefined {
    const row = this.#head.get(scheme, id) as LineRow | undefined;
    if (row !== undefined) this.#rowsRead++;
    return row;
  }

  /**
   * Rows by seq, for serving.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @param after only rows with a greater seq
   * @param through only rows with this seq or less
   * @param limit at most this many
   * @returns the rows in seq order
   */
  lines(scheme: string, id: string, after: number, through: number, limit: number): LineRow[] {
    return this.#count(this.#lines.all(scheme, id, after, through, limit) as unknown as LineRow[]);
  }

  /**
   * Rows by seq with their events' ops and subjects, for building a state.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @param after only rows with a greater seq
   * @param through only rows with this seq or less
   * @param limit at most this many
   * @returns the rows in seq order
   */
  events(
    scheme: string,
    id: string,
    after: number,
    through: number,
    limit: number,
  ): EventRowRead[] {
    const rows = this.#events.all(scheme, id, after, through, limit);
    return this.#count(rows as unknown as EventRowRead[]);
  }

  /**
   * The ops and subjects of rows by seq, for loading active subjects.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @param after only rows with a greater seq
   * @param through only rows with this seq or less
   * @param limit at most this many
   * @returns the rows in seq order
   */
  ops(scheme: string, id: string, after: number, through: number, limit: number): OpRow[] {
    return this.#count(this.#ops.all(scheme, id, after, through, limit) as unknown as OpRow[]);
  }

  /**
   * The JSONL length of rows, measured inside SQLite.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @param after only rows with a greater seq
   * @param through only rows with this seq or less
   * @returns the bytes of their lines, a newline each
   */
  bytes(scheme: string, id: string, after: number, through: number): number {
    return (this.#bytes.get(scheme, id, after, through) as { bytes: number }).bytes;
  }

  /**
   * The op of the latest event naming a subject, found inside SQLite.
   *
   * @param scheme the primary's scheme
   * @param id the rest of the primary
   * @param through only rows with this seq or less
   * @param subject the exact subject
   * @returns its op, or null when no event names it
   */
  latestOp(scheme: string, id: string, through: number, subject: string): Op | null {
    const row = this.#latestOp.get(scheme, id, through, subject) as { op: Op } | undefined;
    return row?.op ?? null;
  }

  #count<T>(rows: T[]): T[] {
    this.#rowsRead += rows.length;
    return rows;
  }
}
