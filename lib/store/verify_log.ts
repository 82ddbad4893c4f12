/**
 * Auditing the transparency log of a database (spec §10): the root
 * recomputed from the leaves against the last checkpoint, every stored
 * subtree hash against the recomputed one, and every leaf against the row
 * it was stored as. The replay itself reads no database: each store hands
 * it the log's rows a page at a time, SQLite's here, PostgreSQL's in
 * `pg_snapshot.ts`.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { equalBytes } from "../protocol/mod.ts";
import { heldHash } from "./log_writer.ts";
import {
  type Checkpoint,
  CompactRange,
  leafHash,
  parseCheckpoint,
  parseNote,
} from "../tlog/mod.ts";

/** One thing wrong with the log. */
export interface LogProblem {
  /** The leaf concerned, when one is. */
  readonly index?: number;
  /** What is wrong. */
  readonly message: string;
}

/** What the log audit read. */
export interface LogAudit {
  /** The leaves read. */
  readonly size: number;
  /** The problems found. */
  readonly problems: number;
}

/** The log's state row: its size, root and last signed checkpoint. */
export interface LogStateRow {
  /** The leaves the log holds. */
  readonly size: number;
  /** Their root, as stored. */
  readonly root: Uint8Array;
  /** The last signed checkpoint, as served. */
  readonly checkpoint: string;
}

/** One leaf of the log as the audit reads it, beside the line its event is stored as. */
export interface LogLeafRow {
  /** The leaf's index. */
  readonly idx: number;
  /** The stored leaf hash. */
  readonly leaf_hash: unknown;
  /** The stored hashes of the subtrees it completes. */
  readonly nodes: unknown;
  /** The leaf's own copy of the line. */
  readonly entry: string;
  /** The line of the event the leaf names, as `sigchain_events` holds it; null when it holds none. */
  readonly line: string | null;
}

/** Leaves per query: a few MiB. */
export const LOG_PAGE_ROWS = 2000;

/** Names the event a leaf holds, for a report: its primary and seq. */
function describe(entry: string): string {
  try {
    const { primary, seq } = JSON.parse(entry).payload;
    if (typeof primary === "string" && Number.isSafeInteger(seq)) return `${primary} seq ${seq}`;
  } catch {
    // Named by its index alone, below.
  }
  return "an entry that is not an event";
}
const encoder = new TextEncoder();

/**
 * Replays a log's leaves in index order, fed a page at a time by whoever
 * reads them: {@linkcode LogReplay.next} says which leaf it wants next.
 *
 * @example
 * ```ts
 * import { LogReplay } from "./verify_log.ts";
 * import { leafHash, signCheckpoint } from "../tlog/mod.ts";
 * const entry = '{"payload":{"primary":"ed25519:ab","seq":0}}';
 * const root = leafHash(new TextEncoder().encode(entry));
 * const checkpoint = signCheckpoint({ origin: "example.com/log", size: 1, root }, new Uint8Array(32));
 * const problems: string[] = [];
 * const replay = new LogReplay({ size: 1, root, checkpoint }, (p) => problems.push(p.message));
 * replay.add([{ idx: 0, leaf_hash: root, nodes: new Uint8Array(0), entry, line: entry }]);
 * const audit = replay.finish();
 * if (audit.problems !== 0 || audit.size !== 1 || replay.next !== null) throw new Error(problems.join());
 * ```
 */
export class LogReplay {
  readonly #state: LogStateRow;
  readonly #onProblem: (p: LogProblem) => void;
  readonly #range = new CompactRange();
  #problems = 0;
  #broken = false;

  /**
   * @param state the log's state row, read in the same snapshot as its leaves
   * @param onProblem called with each problem as it is found
   */
  constructor(state: LogStateRow, onProblem: (p: LogProblem) => void) {
    this.#state = state;
    this.#onProblem = onProblem;
  }

  /** The index of the next leaf wanted, or null when every leaf is read (or one is missing). */
  get next(): number | null {
    return this.#broken || this.#range.size >= this.#state.size ? null : this.#range.size;
  }

  #report(p: LogProblem): void {
    this.#problems++;
    this.#onProblem(p);
  }

  /**
   * Checks the next page of leaves: those from {@linkcode LogReplay.next}
   * on, in index order. A page that does not start there ends the replay:
   * the leaf is missing.
   *
   * @param rows the leaves
   */
  add(rows: readonly LogLeafRow[]): void {
    const range = this.#range;
    if (this.next === null) return;
    if (rows.length === 0 || rows[0]!.idx !== range.size) {
      this.#report({ index: range.size, message: "the log has no leaf at this index" });
      this.#broken = true;
      return;
    }
    for (const row of rows) {
      if (row.idx !== range.size || range.size >= this.#state.size) break;
      for (const node of range.append(leafHash(encoder.encode(row.entry)))) {
        // A leaf's row holds its hash and those of the subtrees it completes.
        const stored = heldHash(row, node.level);
        if (stored === undefined || !equalBytes(stored, node.hash)) {
          this.#report({
            index: row.idx,
            message: `stored subtree hash at level ${node.level}, index ${node.index} is ${
              stored === undefined ? "missing" : "wrong"
            }`,
          });
        }
      }
      if (row.line === null) {
        this.#report({
          index: row.idx,
          message: `${describe(row.entry)} is in the log, not stored`,
        });
      } else if (row.line !== row.entry) {
        this.#report({
          index: row.idx,
          message: `${describe(row.entry)} is stored unlike the log`,
        });
      }
    }
  }

  /**
   * Ends the replay: unless a leaf was missing, the root of the leaves must
   * be the stored root, and the last checkpoint one of the log's size and root.
   *
   * @returns the leaves read and the problems found
   */
  finish(): LogAudit {
    const state = this.#state;
    const range = this.#range;
    if (this.#broken) return { size: range.size, problems: this.#problems };
    const root = range.root();
    if (!equalBytes(root, state.root)) {
      this.#report({
        message: `the leaves give another root than the last checkpoint's (size ${state.size})`,
      });
    }
    let signed: Checkpoint | null = null;
    try {
      signed = parseCheckpoint(parseNote(state.checkpoint).text);
    } catch {
      // Reported below with the other ways a checkpoint can be wrong.
    }
    if (signed === null || signed.size !== state.size || !equalBytes(signed.root, root)) {
      this.#report({ message: "the last signed checkpoint is not of the log's size and root" });
    }
    return { size: range.size, problems: this.#problems };
  }
}

/**
 * Replays the log of a SQLite database. Reads in pages on the given
 * (read-only) connection; a server writing meanwhile only adds leaves past
 * the checkpoint read first, which the audit does not look at.
 *
 * @param db a connection to the database
 * @param onProblem called with each problem as it is found
 * @returns the counts, or null when the database has no log
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { verifyLog } from "./verify_log.ts";
 * const db = new DatabaseSync(":memory:");
 * if (verifyLog(db, () => {}) !== null) throw new Error("no log tables, no audit");
 * ```
 */
export function verifyLog(db: DatabaseSync, onProblem: (p: LogProblem) => void): LogAudit | null {
  const table = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kez_log_state'",
  ).get();
  if (table === undefined) return null;
  const state = db.prepare("SELECT size, root, checkpoint FROM kez_log_state WHERE id = 1").get() as
    | LogStateRow
    | undefined;
  if (state === undefined) return { size: 0, problems: 0 };
  const page = db.prepare(
    `SELECT l.idx, l.leaf_hash, l.nodes, l.entry, e.envelope_json AS line
     FROM kez_log_entries AS l LEFT JOIN sigchain_events AS e ON e.rowid = l.event_rowid
     WHERE l.idx >= ? AND l.idx < ? ORDER BY l.idx LIMIT ${LOG_PAGE_ROWS}`,
  );
  const replay = new LogReplay(state, onProblem);
  for (let next = replay.next; next !== null; next = replay.next) {
    replay.add(page.all(next, state.size) as unknown as LogLeafRow[]);
  }
  return replay.finish();
}
