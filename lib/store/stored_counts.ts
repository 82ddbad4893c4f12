/**
 * The chains and events a live database holds, for the metrics: counted once
 * on a read-only connection, then only the rows added since, so a scrape of a
 * large database costs little.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { openReadOnly } from "./read_only.ts";
import { fileSize } from "./stats.ts";

/** What the database holds now. */
export interface StoredSnapshot {
  /** The chains: the events at seq 0, since a chain starts there and nothing is deleted. */
  readonly chains: number;
  /** The events. */
  readonly events: number;
  /** The size of the database file, in bytes. */
  readonly databaseBytes: number;
  /** The size of its write-ahead log, in bytes. */
  readonly walBytes: number;
}

/** Options of {@linkcode StoredCounts}. */
export interface StoredCountsOptions {
  /** How long counts are reused before new rows are counted, in milliseconds; 5000 by default. */
  readonly maxAgeMs?: number;
}

/**
 * Rows counted per query. Each query blocks the thread serving HTTP for as
 * long as it reads, so a first count of a large database goes a page at a
 * time, letting requests in between.
 */
const PAGE_ROWS = 5000;

/**
 * Counts the rows of a database as they are appended. The server only ever
 * appends, and SQLite gives each new row a rowid above every existing one, so
 * the rows past the last rowid seen are exactly the new ones.
 *
 * @example
 * ```ts
 * import { StoredCounts } from "./stored_counts.ts";
 * import { SqliteStore } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const store = SqliteStore.open(`${dir}/a.db`);
 * const counts = new StoredCounts(`${dir}/a.db`);
 * const { events } = await counts.read();
 * counts.close();
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * if (events !== 0) throw new Error("an empty database");
 * ```
 */
export class StoredCounts {
  #path: string;
  #maxAgeMs: number;
  #db: DatabaseSync | null = null;
  #page: StatementSync | null = null;
  #chains = 0;
  #events = 0;
  #lastRowid = 0;
  #countedAt = -Infinity;
  #counting: Promise<void> | null = null;

  /**
   * Prepares to count; the connection opens at the first read.
   *
   * @param path the database file, which the server has created
   * @param options how long counts are reused
   */
  constructor(path: string, options: StoredCountsOptions = {}) {
    this.#path = path;
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
  }

  /**
   * The counts, brought up to date when they are older than the maximum age.
   *
   * @returns the counts and the file sizes
   * @throws {Error} when the database cannot be opened or read
   */
  async read(): Promise<StoredSnapshot> {
    if (performance.now() - this.#countedAt >= this.#maxAgeMs) {
      // Concurrent scrapes share one count.
      this.#counting ??= this.#count().finally(() => this.#counting = null);
      await this.#counting;
    }
    return {
      chains: this.#chains,
      events: this.#events,
      databaseBytes: fileSize(this.#path),
      walBytes: fileSize(`${this.#path}-wal`),
    };
  }

  async #count(): Promise<void> {
    this.#db ??= openReadOnly(this.#path);
    this.#page ??= this.#db.prepare(
      `SELECT COUNT(*) AS n, SUM(seq = 0) AS chains, MAX(rowid) AS last FROM
       (SELECT rowid, seq FROM sigchain_events WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS})`,
    );
    for (;;) {
      const page = this.#page.get(this.#lastRowid) as { n: number; chains: number; last: number };
      if (page.n === 0) break;
      this.#events += page.n;
      this.#chains += page.chains;
      this.#lastRowid = page.last;
      if (page.n < PAGE_ROWS) break;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.#countedAt = performance.now();
  }

  /** Closes the connection. */
  close(): void {
    this.#db?.close();
    this.#db = null;
    this.#page = null;
  }
}
