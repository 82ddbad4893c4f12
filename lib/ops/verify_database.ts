/**
 * Auditing a database, SQLite or PostgreSQL: every stored chain re-validated
 * from seq 0 with the protocol core, every stored hash recomputed, every
 * stored line checked to be canonical, and the transparency log replayed.
 *
 * @module
 */

import { hashLine, KezError, parseJsonText, Sigchain } from "../protocol/mod.ts";
import { verifyHere } from "../verify/mod.ts";
import { openReadOnlyFile } from "../store/read_only_file.ts";
import { type LogAudit, type LogProblem, verifyLog } from "../store/verify_log.ts";
import { readPgSnapshot } from "../store/pg_snapshot.ts";
import { eventPages, type StoredEventRow } from "../store/event_pages.ts";

/** One thing wrong with a stored event, or with the transparency log. */
export type VerifyProblem =
  | {
    /** The chain's primary, `scheme:id` as stored. */
    readonly primary: string;
    /** The stored seq of the event. */
    readonly seq: number;
    /** What is wrong; a protocol failure starts with its error code. */
    readonly message: string;
  }
  | { readonly log: true; readonly index?: number; readonly message: string };

/** What an audit found. */
export interface VerifyReport {
  /** The chains read. */
  readonly chains: number;
  /** The events read. */
  readonly events: number;
  /** The problems found: at most one per chain, since what follows a bad event cannot be checked. */
  readonly problems: number;
  /** The events not checked because an earlier event of their chain had a problem. */
  readonly skipped: number;
  /** The leaves of the transparency log replayed, or null when the file has no log. */
  readonly logSize: number | null;
}

type Row = StoredEventRow;

/** The chain being checked: its events so far, and whether one had a problem. */
interface Current {
  readonly primary: string;
  chain: Sigchain | null;
  failed: boolean;
}

/**
 * The check of a database's events, fed its rows in key order a page at a
 * time by whichever store reads them, so that SQLite's and PostgreSQL's
 * audits are one.
 */
class ChainAudit {
  readonly counts = {
    chains: 0,
    events: 0,
    problems: 0,
    skipped: 0,
    logSize: null as number | null,
  };
  readonly #onProblem: (problem: VerifyProblem) => void;
  #current: Current | null = null;

  constructor(onProblem: (problem: VerifyProblem) => void) {
    this.#onProblem = onProblem;
  }

  /** Checks the next rows, in key order. */
  add(rows: readonly Row[]): void {
    const counts = this.counts;
    for (const row of rows) {
      const primary = `${row.primary_scheme}:${row.primary_id}`;
      if (this.#current?.primary !== primary) {
        this.#current = { primary, chain: null, failed: false };
        counts.chains++;
      }
      const current = this.#current;
      counts.events++;
      if (current.failed) {
        counts.skipped++;
        continue;
      }
      const message = checkRow(current, row);
      if (message !== null) {
        current.failed = true;
        counts.problems++;
        this.#onProblem({ primary, seq: row.seq, message });
      }
    }
  }

  /** Reports a log problem as the audit's own. */
  readonly onLogProblem = (p: LogProblem): void => this.#onProblem({ log: true, ...p });

  /** The counts, with the log's audit added. */
  report(log: LogAudit | null): VerifyReport {
    const counts = this.counts;
    if (log === null) return counts;
    return { ...counts, logSize: log.size, problems: counts.problems + log.problems };
  }
}

/**
 * Re-validates every chain of a SQLite database. Rows are read in key order,
 * a page at a time, on a read-only connection, so that memory holds one
 * chain and a page, and a server can keep writing. Each chain is rebuilt
 * with {@linkcode Sigchain}, which checks every event's structure, seq,
 * prev, signature and op (§5, §8); then the stored line must equal the
 * event's canonical form (§2) and the stored hash that line's hash. An event
 * stored while the audit runs is checked only if the audit has not passed
 * its chain. Then the transparency log, if the file has one, is replayed:
 * every leaf against its row, every stored subtree hash, and the root
 * recomputed from the leaves against the last checkpoint.
 *
 * @param path the database file
 * @param onProblem called with each problem as it is found
 * @returns the counts
 * @throws {Error} when the database cannot be opened or has no sigchain table
 *
 * @example
 * ```ts
 * import { verifyDatabase } from "./verify_database.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const dir = await Deno.makeTempDir();
 * await SqliteStore.open(`${dir}/a.db`).close();
 * const report = verifyDatabase(`${dir}/a.db`, (p) => console.log(p));
 * await Deno.remove(dir, { recursive: true });
 * if (report.problems !== 0 || report.chains !== 0) throw new Error("an empty database");
 * ```
 */
export function verifyDatabase(
  path: string,
  onProblem: (problem: VerifyProblem) => void,
): VerifyReport {
  using file = openReadOnlyFile(path);
  const audit = new ChainAudit(onProblem);
  for (const rows of eventPages(file.db)) audit.add(rows);
  return audit.report(verifyLog(file.db, audit.onLogProblem));
}

/**
 * Re-validates every chain of a PostgreSQL database and replays its log,
 * with the very checks of {@linkcode verifyDatabase}. Everything is read in
 * one `REPEATABLE READ READ ONLY` transaction, a page per query, so the
 * audit sees one snapshot, memory holds one chain and a page, and servers
 * keep writing meanwhile (their new rows are past the snapshot).
 *
 * @param url the database, `postgres://…`
 * @param onProblem called with each problem as it is found
 * @returns the counts
 * @throws {Error} naming the database (without its password) when it cannot
 *   be reached, has no sigchain table, or a query fails
 *
 * @example
 * ```ts ignore
 * import { verifyPostgres } from "./verify_database.ts";
 * const report = await verifyPostgres("postgres://kez@127.0.0.1/kez", (p) => console.log(p));
 * console.log(report.problems);
 * ```
 */
export function verifyPostgres(
  url: string,
  onProblem: (problem: VerifyProblem) => void,
): Promise<VerifyReport> {
  return readPgSnapshot(url, async (snapshot) => {
    const audit = new ChainAudit(onProblem);
    for await (const rows of snapshot.eventPages()) audit.add(rows);
    return audit.report(await snapshot.verifyLog(audit.onLogProblem));
  });
}

/** Checks one stored event against its chain so far; the problem, or null. */
function checkRow(current: Current, row: Row): string | null {
  let line: string;
  try {
    // node:crypto's Ed25519, with the server's own strict checks: noble's is a fifteenth as fast.
    current.chain ??= new Sigchain(current.primary, verifyHere);
    if (row.seq !== current.chain.length) {
      return `expected seq ${current.chain.length} next, found seq ${row.seq}`;
    }
    line = current.chain.append(parseJsonText(row.envelope_json)).line;
  } catch (e) {
    if (e instanceof KezError) return `${e.code}: ${e.message}`;
    throw e;
  }
  if (line !== row.envelope_json) return "stored JSON is not the canonical form (JCS) of the event";
  const hash = hashLine(row.envelope_json);
  if (hash !== row.envelope_hash) {
    return `stored hash ${row.envelope_hash} is not the event's hash ${hash}`;
  }
  return null;
}
