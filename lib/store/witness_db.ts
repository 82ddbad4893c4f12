/**
 * A witness's state (c2sp.org/tlog-witness): for each log origin, the size
 * and root of the latest checkpoint it cosigned, in a SQLite file of its own
 * (WAL, `synchronous=FULL`), moved only by a compare-and-set so that two
 * requests racing can never roll it back.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { makeDurable } from "./durable_connection.ts";

/** A tree a witness holds for a log: its size and root. */
export interface WitnessedTree {
  /** The number of leaves. */
  readonly size: number;
  /** The 32-byte root. */
  readonly root: Uint8Array;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS kez_witness_tree (
  origin TEXT PRIMARY KEY,
  size   INTEGER NOT NULL,
  root   BLOB NOT NULL
) STRICT;`;

/**
 * The witness's database.
 *
 * @example
 * ```ts
 * import { WitnessDb } from "./witness_db.ts";
 * const db = WitnessDb.open(":memory:");
 * const root = new Uint8Array(32);
 * if (!db.advance("o", null, { size: 1, root })) throw new Error("first");
 * if (db.advance("o", null, { size: 2, root })) throw new Error("a stale expectation must fail");
 * if (db.latest("o")?.size !== 1) throw new Error("unexpected");
 * db.close();
 * ```
 */
export class WitnessDb {
  readonly #db: DatabaseSync;
  readonly #select: StatementSync;
  readonly #insert: StatementSync;
  readonly #update: StatementSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#select = db.prepare("SELECT size, root FROM kez_witness_tree WHERE origin = ?");
    this.#insert = db.prepare(
      "INSERT INTO kez_witness_tree (origin, size, root) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#update = db.prepare(
      "UPDATE kez_witness_tree SET size = ?, root = ? WHERE origin = ? AND size = ? AND root = ?",
    );
  }

  /**
   * Opens (creating if need be) a witness database.
   *
   * @param path the SQLite file, or `":memory:"`
   * @returns the database
   * @throws {Error} if the file cannot be opened or is not such a database
   */
  static open(path: string): WitnessDb {
    const db = new DatabaseSync(path);
    try {
      makeDurable(db, 5000);
      db.exec(SCHEMA);
      return new WitnessDb(db);
    } catch (e) {
      db.close();
      throw new Error(`Cannot open witness database "${path}": ${(e as Error).message}`);
    }
  }

  /**
   * The latest tree cosigned for a log.
   *
   * @param origin the log's origin
   * @returns its size and root, or null when none was ever cosigned
   */
  latest(origin: string): WitnessedTree | null {
    const row = this.#select.get(origin) as { size: number; root: Uint8Array } | undefined;
    return row === undefined ? null : { size: row.size, root: new Uint8Array(row.root) };
  }

  /**
   * Moves a log's tree from one the caller read to a new one, in one
   * statement: if another request moved it first, nothing changes.
   *
   * @param origin the log's origin
   * @param from the tree the caller checked against, or null for none yet
   * @param to the new tree
   * @returns true when the tree moved, false when it was no longer `from`
   */
  advance(origin: string, from: WitnessedTree | null, to: WitnessedTree): boolean {
    const result = from === null
      ? this.#insert.run(origin, to.size, to.root)
      : this.#update.run(to.size, to.root, origin, from.size, from.root);
    return Number(result.changes) === 1;
  }

  /** Closes the file. */
  close(): void {
    this.#db.close();
  }
}
