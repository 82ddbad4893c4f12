/**
 * Auditing the transparency log of a database (spec §10): the root
 * recomputed from the leaves against the last checkpoint, every stored
 * subtree hash against the recomputed one, and every leaf against the row
 * it was stored as.
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

interface EntryRow {
  idx: number;
  event_rowid: number;
  leaf_hash: unknown;
  nodes: unknown;
  entry: string;
}

const PAGE_ROWS = 1000;

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
 * Replays the log's leaves in index order. Reads in pages on the given
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
    | { size: number; root: Uint8Array; checkpoint: string }
    | undefined;
  if (state === undefined) return { size: 0, problems: 0 };
  let problems = 0;
  const report = (p: LogProblem) => {
    problems++;
    onProblem(p);
  };
  const page = db.prepare(
    `SELECT idx, event_rowid, leaf_hash, nodes, entry FROM kez_log_entries
     WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT ${PAGE_ROWS}`,
  );
  const event = db.prepare("SELECT envelope_json FROM sigchain_events WHERE rowid = ?");
  const range = new CompactRange();
  while (range.size < state.size) {
    const rows = page.all(range.size, state.size) as unknown as EntryRow[];
    if (rows.length === 0 || rows[0]!.idx !== range.size) {
      report({ index: range.size, message: "the log has no leaf at this index" });
      return { size: range.size, problems };
    }
    for (const row of rows) {
      if (row.idx !== range.size) break;
      for (const node of range.append(leafHash(encoder.encode(row.entry)))) {
        // A leaf's row holds its hash and those of the subtrees it completes.
        const stored = heldHash(row, node.level);
        if (stored === undefined || !equalBytes(stored, node.hash)) {
          report({
            index: row.idx,
            message: `stored subtree hash at level ${node.level}, index ${node.index} is ${
              stored === undefined ? "missing" : "wrong"
            }`,
          });
        }
      }
      const stored = event.get(row.event_rowid) as { envelope_json: string } | undefined;
      if (stored === undefined) {
        report({ index: row.idx, message: `${describe(row.entry)} is in the log, not stored` });
      } else if (stored.envelope_json !== row.entry) {
        report({ index: row.idx, message: `${describe(row.entry)} is stored unlike the log` });
      }
    }
  }
  const root = range.root();
  if (!equalBytes(root, state.root)) {
    report({
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
    report({ message: "the last signed checkpoint is not of the log's size and root" });
  }
  return { size: range.size, problems };
}
