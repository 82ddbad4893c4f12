/**
 * What a log keeps of its witnesses (c2sp.org/tlog-witness): the size each
 * one last cosigned, from which the next consistency proof starts, and the
 * latest checkpoint that met the policy's quorum, with its cosignature
 * lines. In the log's own SQLite file, beside its tables.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";

/** The latest checkpoint that met the quorum. */
export interface WitnessedNote {
  /** Its tree size. */
  readonly size: number;
  /** The checkpoint with the log's signature and the cosignature lines. */
  readonly note: string;
}

/** A log's record of its witnesses, on SQLite or PostgreSQL. */
export interface CosignatureRecord {
  /**
   * The size a witness last cosigned, or said it holds.
   *
   * @param witness the witness's vkey
   * @returns the size, 0 when it never answered
   */
  cosignedSize(witness: string): Promise<number>;
  /**
   * Records the size a witness holds.
   *
   * @param witness the witness's vkey
   * @param size its size
   */
  setCosignedSize(witness: string, size: number): Promise<void>;
  /**
   * The latest witnessed checkpoint.
   *
   * @returns it, or null before the first
   */
  witnessed(): Promise<WitnessedNote | null>;
  /**
   * Keeps a witnessed checkpoint, unless one of a larger tree is kept already.
   *
   * @param witnessed the checkpoint and its size
   */
  saveWitnessed(witnessed: WitnessedNote): Promise<void>;
  /**
   * Whether this process is the one that asks the witnesses: on PostgreSQL,
   * the holder of a lock that one server of the database holds at a time.
   *
   * @returns true when it leads
   */
  lead(): Promise<boolean>;
  /** Closes its connection, letting go of the lead. */
  close(): Promise<void>;
}

const SQLITE_SCHEMA = `CREATE TABLE IF NOT EXISTS kez_log_witnesses (
  witness TEXT PRIMARY KEY,
  size    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS kez_log_witnessed (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  note TEXT NOT NULL
);`;

/**
 * The record in a SQLite file, on a connection of its own: one server per
 * file (the file is locked), so that server always leads.
 *
 * @example
 * ```ts
 * import { SqliteCosignatureRecord } from "./cosignature_record.ts";
 * const record = SqliteCosignatureRecord.open(":memory:");
 * await record.saveWitnessed({ size: 5, note: "five" });
 * await record.saveWitnessed({ size: 4, note: "four" });
 * if ((await record.witnessed())?.note !== "five") throw new Error("went back");
 * await record.close();
 * ```
 */
export class SqliteCosignatureRecord implements CosignatureRecord {
  readonly #db: DatabaseSync;
  readonly #size: StatementSync;
  readonly #setSize: StatementSync;
  readonly #witnessed: StatementSync;
  readonly #save: StatementSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#size = db.prepare("SELECT size FROM kez_log_witnesses WHERE witness = ?");
    this.#setSize = db.prepare(
      "INSERT INTO kez_log_witnesses (witness, size) VALUES (?, ?) " +
        "ON CONFLICT (witness) DO UPDATE SET size = excluded.size",
    );
    this.#witnessed = db.prepare("SELECT size, note FROM kez_log_witnessed WHERE id = 1");
    this.#save = db.prepare(
      "INSERT INTO kez_log_witnessed (id, size, note) VALUES (1, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note " +
        "WHERE excluded.size >= kez_log_witnessed.size",
    );
  }

  /**
   * Opens the record of a log's database file (`":memory:"` keeps it in this process).
   *
   * @param path the database file
   * @returns the record
   * @throws {Error} when the file cannot be opened
   */
  static open(path: string): SqliteCosignatureRecord {
    const db = new DatabaseSync(path);
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      db.exec(SQLITE_SCHEMA);
      return new SqliteCosignatureRecord(db);
    } catch (e) {
      db.close();
      throw new Error(`Cannot keep the witnesses' record: ${(e as Error).message}`);
    }
  }

  cosignedSize(witness: string): Promise<number> {
    const row = this.#size.get(witness) as { size: number } | undefined;
    return Promise.resolve(row?.size ?? 0);
  }

  setCosignedSize(witness: string, size: number): Promise<void> {
    this.#setSize.run(witness, size);
    return Promise.resolve();
  }

  witnessed(): Promise<WitnessedNote | null> {
    const row = this.#witnessed.get() as { size: number; note: string } | undefined;
    return Promise.resolve(row === undefined ? null : { size: row.size, note: row.note });
  }

  saveWitnessed({ size, note }: WitnessedNote): Promise<void> {
    this.#save.run(size, note);
    return Promise.resolve();
  }

  lead(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
