/**
 * The {@linkcode CosignatureRecord} on PostgreSQL, shared by every server of
 * the database: one of them at a time leads, holding a session advisory
 * lock on a connection of its own, which PostgreSQL lets go when the
 * connection ends, however the server ends.
 *
 * @module
 */

import type { ReservedSql, Sql } from "postgres";
import { connectPg } from "./pg_connect.ts";
import type { CosignatureRecord, WitnessedNote } from "./cosignature_record.ts";

/** The advisory lock's key: "kezw" in ASCII, so no other use of the database collides by chance. */
const LEAD_LOCK = 0x6b657a77;

/**
 * The record on a PostgreSQL database.
 *
 * @example
 * ```ts ignore
 * const record = await PgCosignatureRecord.open("postgres://kez@127.0.0.1/kez");
 * if (await record.lead()) console.log("this server asks the witnesses");
 * await record.close();
 * ```
 */
export class PgCosignatureRecord implements CosignatureRecord {
  readonly #sql: Sql;
  #leader: ReservedSql | null = null;
  #held = false;

  private constructor(sql: Sql) {
    this.#sql = sql;
  }

  /**
   * Connects and creates the record's tables if need be.
   *
   * @param url the database's URL
   * @returns the record
   * @throws {Error} when the database cannot be reached
   */
  static async open(url: string): Promise<PgCosignatureRecord> {
    const sql = connectPg(url, { max: 2, connectTimeoutS: 5 });
    try {
      await sql.unsafe(`CREATE TABLE IF NOT EXISTS kez_log_witnesses (
        witness TEXT PRIMARY KEY,
        size    BIGINT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS kez_log_witnessed (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        size BIGINT NOT NULL,
        note TEXT NOT NULL
      );`);
      return new PgCosignatureRecord(sql);
    } catch (e) {
      await sql.end({ timeout: 1 });
      throw new Error(`Cannot keep the witnesses' record: ${(e as Error).message}`);
    }
  }

  async cosignedSize(witness: string): Promise<number> {
    const [row] = await this.#sql<{ size: number }[]>`
      SELECT size FROM kez_log_witnesses WHERE witness = ${witness}`;
    return row?.size ?? 0;
  }

  async setCosignedSize(witness: string, size: number): Promise<void> {
    await this.#sql`INSERT INTO kez_log_witnesses (witness, size) VALUES (${witness}, ${size})
      ON CONFLICT (witness) DO UPDATE SET size = excluded.size`;
  }

  async witnessed(): Promise<WitnessedNote | null> {
    const [row] = await this.#sql<{ size: number; note: string }[]>`
      SELECT size, note FROM kez_log_witnessed WHERE id = 1`;
    return row === undefined ? null : { size: row.size, note: row.note };
  }

  async saveWitnessed({ size, note }: WitnessedNote): Promise<void> {
    await this.#sql`INSERT INTO kez_log_witnessed (id, size, note) VALUES (1, ${size}, ${note})
      ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note
      WHERE excluded.size >= kez_log_witnessed.size`;
  }

  async lead(): Promise<boolean> {
    try {
      if (this.#held) {
        // The lock lives as long as its connection: a query that goes through proves both.
        await this.#leader!`SELECT 1`;
        return true;
      }
      this.#leader ??= await this.#sql.reserve();
      const [row] = await this.#leader<{ held: boolean }[]>`
        SELECT pg_try_advisory_lock(${LEAD_LOCK}) AS held`;
      this.#held = row?.held === true;
      return this.#held;
    } catch {
      this.#leader?.release();
      this.#leader = null;
      this.#held = false;
      return false;
    }
  }

  async close(): Promise<void> {
    this.#leader?.release();
    await this.#sql.end({ timeout: 5 });
  }
}
