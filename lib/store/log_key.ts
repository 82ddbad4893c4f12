/**
 * The transparency log's key file (spec §10.2): a 32-byte Ed25519 seed in
 * hex, created at first start with mode 0600, never overwritten, and refused
 * when others may read it.
 *
 * @module
 */

import { fromHex, toHex } from "../protocol/mod.ts";

/**
 * The default key file of a database: beside it, named after it, as SQLite
 * names its `-wal` and `-shm` files.
 *
 * @param db the database path
 * @returns the key file's path, or null for `":memory:"` (whose log lives as
 *   long as the process, under a key made for it)
 *
 * @example
 * ```ts
 * import { defaultLogKeyPath } from "./log_key.ts";
 * if (defaultLogKeyPath("data/kez.db") !== "data/kez.db-log.key") throw new Error("unexpected");
 * ```
 */
export function defaultLogKeyPath(db: string): string | null {
  return db === ":memory:" ? null : `${db}-log.key`;
}

/**
 * Reads the log's key file.
 *
 * @param path the key file
 * @param label what the key is, for messages (a witness keeps its own key in the same form)
 * @returns the seed, or null when the file does not exist
 * @throws {Error} when the file cannot be read, group or others may access
 *   it, or it does not hold 64 hex digits
 *
 * @example
 * ```ts
 * import { createLogKey, readLogKey } from "./log_key.ts";
 * const dir = await Deno.makeTempDir();
 * const missing = await readLogKey(`${dir}/k`);
 * const seed = crypto.getRandomValues(new Uint8Array(32));
 * await createLogKey(`${dir}/k`, seed);
 * const read = await readLogKey(`${dir}/k`);
 * await Deno.remove(dir, { recursive: true });
 * if (missing !== null || read?.join() !== seed.join()) throw new Error("unexpected");
 * ```
 */
export async function readLogKey(path: string, label = "log key"): Promise<Uint8Array | null> {
  let info: Deno.FileInfo;
  let text: string;
  try {
    info = await Deno.stat(path);
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new Error(`Cannot read ${label} file "${path}": ${(e as Error).message}`);
  }
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new Error(
      `Cannot use ${label} file "${path}": group or others may access it (mode ${
        (info.mode & 0o777).toString(8)
      }); run chmod 600 on it`,
    );
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new Error(`Cannot use ${label} file "${path}": expected 64 hex digits`);
  }
  return fromHex(hex.toLowerCase());
}

/**
 * Writes a new key file, readable by its owner only, and flushes it to disk:
 * checkpoints signed with the key are committed next, and must never outlive
 * it. An existing file is never replaced: it may hold the key that signed
 * every checkpoint so far.
 *
 * @param path the key file, which must not exist
 * @param seed the 32-byte Ed25519 seed
 * @param label what the key is, for messages
 * @throws {Error} when the file exists or cannot be written
 *
 * @example
 * ```ts
 * import { createLogKey } from "./log_key.ts";
 * const dir = await Deno.makeTempDir();
 * await createLogKey(`${dir}/k`, new Uint8Array(32));
 * const mode = (await Deno.stat(`${dir}/k`)).mode! & 0o777;
 * await Deno.remove(dir, { recursive: true });
 * if (mode !== 0o600) throw new Error(mode.toString(8));
 * ```
 */
export async function createLogKey(
  path: string,
  seed: Uint8Array,
  label = "log key",
): Promise<void> {
  try {
    // The umask only ever takes bits away from 0600.
    using file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
    const bytes = new TextEncoder().encode(`${toHex(seed)}\n`);
    for (let n = 0; n < bytes.length;) n += await file.write(bytes.subarray(n));
    await file.sync();
  } catch (e) {
    throw new Error(`Cannot create ${label} file "${path}": ${(e as Error).message}`);
  }
}
