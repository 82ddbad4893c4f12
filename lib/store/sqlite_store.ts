/**
 * The {@linkcode Store} on one SQLite file through `node:sqlite`: WAL with
 * `synchronous=FULL`, so an append resolves only once it is fsynced.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  type ChainEvent,
  type ChainTip,
  checkExtends,
  KezError,
  type Primary,
} from "../protocol/mod.ts";
import { checkSchema, migrate } from "./schema.ts";
import type { AppendResult, ReadChainOptions, Store, StoredChain, StoredHead } from "./store.ts";

/** Options of {@linkcode SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process's lock before it answers
   * `unavailable`, in milliseconds. The wait blocks this process, so keep it short.
   */
  readonly busyTimeoutMs?: number;
}

/**
 * SQLite failures that mean "not now" rather than "never", by primary result
 * code (sqlite.org/rescode.html) and by message, since Deno's `node:sqlite`
 * errors carry only the message.
 */
const TRANSIENT: readonly (readonly [number, RegExp, string])[] = [
  [5, /^database is locked/, "the database is locked by another process"],
  [6, /^database table is locked/, "a table is locked"],
  [8, /^attempt to write a readonly database/, "the database is read-only"],
  [10, /^disk I\/O error/, "a disk I/O error occurred"],
  [13, /^database or disk is full/, "the disk or database is full"],
  [14, /^unable to open database file/, "the database file cannot be opened"],
];
const SQLITE_CONSTRAINT = 19;
const CONSTRAINT_MESSAGE = /^UNIQUE constraint failed|^constraint failed/;

interface HeadRow {
  seq: number;
  envelope_hash: string;
  envelope_json: string;
}

/**
 * Turns a SQLite failure into the protocol's answer where it has one.
 *
 * @param e what SQLite threw
 * @returns a KezError for a transient failure or a lost race, else `e` unchanged
 */
function translate(e: unknown): unknown {
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== "ERR_SQLITE_ERROR") return e;
  const errcode = (e as { errcode?: unknown }).errcode;
  const code = typeof errcode === "number" ? errcode & 0xff : undefined;
  if (code === SQLITE_CONSTRAINT || (code === undefined && CONSTRAINT_MESSAGE.test(e.message))) {
    return new KezError("conflict", "Cannot append event: another event took its seq", {
      cause: e,
    });
  }
  const transient = TRANSIENT.find(([c, message]) => c === code || message.test(e.message));
  if (transient === undefined) return e;
  return new KezError("unavailable", `The store is unavailable: ${transient[2]}; retry later`, {
    cause: e,
  });
}

/**
 * A store on one SQLite file with exactly the original server's table.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "./sqlite_store.ts";
 * import { parsePrimary } from "../protocol/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const head = await store.readHead(parsePrimary("ed25519:" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
 * if (head !== null) throw new Error("a new store is empty");
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  #db: DatabaseSync;
  #head: StatementSync;
  #after: StatementSync;
  #lastOp: StatementSync;
  #insert: StatementSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#head = db.prepare(
      `SELECT seq, envelope_hash, envelope_json FROM sigchain_events
       WHERE primary_scheme = ? AND primary_id = ? ORDER BY seq DESC LIMIT 1`,
    );
    this.#after = db.prepare(
      `SELECT envelope_json FROM sigchain_events
       WHERE primary_scheme = ? AND primary_id = ? AND seq > ? ORDER BY seq`,
    );
    // The last op on a subject decides whether it is active (§5 check 9).
    this.#lastOp = db.prepare(
      `SELECT json_extract(envelope_json, '$.payload.op') AS op FROM sigchain_events
       WHERE primary_scheme = ? AND primary_id = ?
         AND json_extract(envelope_json, '$.payload.payload.subject') = ?
       ORDER BY seq DESC LIMIT 1`,
    );
    this.#insert = db.prepare(
      `INSERT INTO sigchain_events
       (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Opens (creating if missing) a database file, checks that it is one this
   * server may use, and brings its schema up to date. A file that fails the
   * checks is left untouched.
   *
   * @param path the file, or `":memory:"`
   * @param options tuning
   * @returns the open store
   * @throws {Error} when the file cannot be opened, is not SQLite, or has a table of another shape
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new DatabaseSync(path);
    try {
      checkSchema(db);
      db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 1000}`);
      db.exec("PRAGMA journal_mode = WAL");
      // FULL: a commit is fsynced before it returns, so a 201 survives power loss (§5).
      db.exec("PRAGMA synchronous = FULL");
      migrate(db);
      return new SqliteStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** @inheritdoc */
  append(event: ChainEvent): Promise<AppendResult> {
    try {
      return Promise.resolve(this.#appendSync(event));
    } catch (e) {
      return Promise.reject(translate(e));
    }
  }

  #appendSync(event: ChainEvent): AppendResult {
    const { primary, seq } = event.envelope.payload;
    const colon = primary.indexOf(":");
    const scheme = primary.slice(0, colon);
    const id = primary.slice(colon + 1);
    // IMMEDIATE takes the write lock first, so the head read below cannot go
    // stale before the insert, even with another process writing.
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const head = this.#head.get(scheme, id) as HeadRow | undefined;
      const tip: ChainTip = {
        length: head === undefined ? 0 : head.seq + 1,
        head: head?.envelope_hash ?? null,
        isActive: (subject) =>
          (this.#lastOp.get(scheme, id, subject) as { op: string } | undefined)?.op === "add",
      };
      checkExtends(tip, event.envelope);
      this.#insert.run(scheme, id, seq, event.line, event.hash, new Date().toISOString());
      this.#db.exec("COMMIT");
    } catch (e) {
      this.#rollback();
      throw e;
    }
    return { seq, hash: event.hash };
  }

  #rollback(): void {
    try {
      this.#db.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing is left to undo.
    }
  }

  /** @inheritdoc */
  readChain(primary: Primary, options: ReadChainOptions = {}): Promise<StoredChain | null> {
    // Clamped: a seq is at most 2^53 - 1, so any larger `after` is past every head.
    const after = Math.min(options.after ?? -1, Number.MAX_SAFE_INTEGER);
    return this.#read(() => {
      const head = this.#headOf(primary);
      if (head === null) return null;
      const rows = this.#after.all(primary.scheme, primary.id, after) as unknown as {
        envelope_json: string;
      }[];
      return { head, lines: rows.map((r) => r.envelope_json) };
    });
  }

  /** @inheritdoc */
  readHead(primary: Primary): Promise<StoredHead | null> {
    return this.#read(() => this.#headOf(primary));
  }

  #headOf(primary: Primary): StoredHead | null {
    const row = this.#head.get(primary.scheme, primary.id) as HeadRow | undefined;
    if (row === undefined) return null;
    return { seq: row.seq, hash: row.envelope_hash, line: row.envelope_json };
  }

  /** Runs reads in one snapshot, so a head and its lines always agree. */
  #read<T>(fn: () => T): Promise<T> {
    try {
      this.#db.exec("BEGIN");
      try {
        const result = fn();
        this.#db.exec("COMMIT");
        return Promise.resolve(result);
      } catch (e) {
        this.#rollback();
        throw e;
      }
    } catch (e) {
      return Promise.reject(translate(e));
    }
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
