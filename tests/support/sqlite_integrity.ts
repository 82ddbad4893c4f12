/**
 * Test support: SQLite's own consistency check of a database file, run on a
 * connection of our own (the server may have the file open too: in WAL mode
 * a reader does not disturb it).
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";

/**
 * Runs `PRAGMA integrity_check` on a database file.
 *
 * @param path the database file
 * @returns SQLite's verdict: `["ok"]` for a sound file, else one line per problem
 *
 * @example
 * ```ts
 * import { integrityCheck } from "./sqlite_integrity.ts";
 * const dir = await Deno.makeTempDir();
 * const verdict = integrityCheck(`${dir}/empty.db`);
 * await Deno.remove(dir, { recursive: true });
 * if (verdict.join() !== "ok") throw new Error(verdict.join("\n"));
 * ```
 */
export function integrityCheck(path: string): string[] {
  const db = new DatabaseSync(path);
  try {
    const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}
