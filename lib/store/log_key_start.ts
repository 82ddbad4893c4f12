/**
 * Which key signs the transparency log at a server's start: the key file's,
 * or a new one, chosen so that a log already signed is never given a new key
 * silently (every client that pinned the old one would report an ALARM).
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { formatVerifierKey, verifierKey } from "../tlog/mod.ts";
import { readLogKey } from "./log_key.ts";
import { recordLogKeyChange, signedCheckpoint, type StoredCheckpoint } from "./log_key_change.ts";
import type { LogSigner } from "./log_writer.ts";
import { isPostgresUrl } from "./pg_url.ts";

/** What the log's key is to be at start. */
export interface LogKeyChoice {
  /** The signer. */
  readonly signer: LogSigner;
  /** The key file to create once the database proves usable; null when it exists. */
  readonly newKeyFile: string | null;
  /** The log's last checkpoint under its lost key, when `--new-log-key` replaces it. */
  readonly replaces: StoredCheckpoint | null;
}

/** The log's settings a start reads. */
export interface LogKeySettings {
  /** The log's origin and key name. */
  readonly origin: string;
  /** The key file, or null for a database with no file beside it. */
  readonly keyFile: string | null;
  /** `--new-log-key`: the operator replaces a lost key; false when absent. */
  readonly newKey?: boolean;
}

/**
 * Reads the log's key file, or makes a new seed for one. The file is to be
 * written only once the database is known to be usable, so that a refused
 * start leaves no key behind. Call it before this process opens the database.
 *
 * @param settings the origin, the key file and `--new-log-key`
 * @param db the database path or PostgreSQL URL
 * @returns the signer, the key file to create, and the checkpoint a chosen new key replaces
 * @throws {Error} for `--new-log-key` beside an existing key file, for a
 *   SQLite database whose log is signed and whose key file is missing (without
 *   `--new-log-key`), or for a key file that cannot be read
 *
 * @example
 * ```ts
 * import { chooseLogKey } from "./log_key_start.ts";
 * const dir = await Deno.makeTempDir();
 * const choice = await chooseLogKey(
 *   { origin: "example.com/log", keyFile: `${dir}/a.db-log.key`, newKey: false },
 *   `${dir}/a.db`,
 * );
 * await Deno.remove(dir, { recursive: true });
 * if (choice.newKeyFile === null || choice.replaces !== null) throw new Error("a first start");
 * ```
 */
export async function chooseLogKey(
  { origin, keyFile, newKey = false }: LogKeySettings,
  db: string,
): Promise<LogKeyChoice> {
  const seed = keyFile === null ? null : await readLogKey(keyFile);
  if (seed !== null) {
    if (newKey) {
      throw new Error(
        `Cannot use --new-log-key: the log key file "${keyFile}" exists, and is never replaced; start without the flag to keep signing with it`,
      );
    }
    return { signer: { origin, seed }, newKeyFile: null, replaces: null };
  }
  // A PostgreSQL store checks its log's key itself, against every server's.
  const signed = keyFile === null || isPostgresUrl(db) ? null : signedCheckpoint(db);
  if (signed !== null && !newKey) {
    throw new Error(
      `Cannot use database "${db}": its transparency log (size ${signed.size}) is signed by key ${
        signed.keyId ?? "(unknown)"
      }, whose key file "${keyFile}" is missing; restore that file (backup writes it beside the copy as <copy>-log.key), or start once with --new-log-key to sign the log under a new key, which every client that pinned the old one will report as an ALARM`,
    );
  }
  return {
    signer: { origin, seed: crypto.getRandomValues(new Uint8Array(32)) },
    newKeyFile: keyFile,
    replaces: signed,
  };
}

/**
 * Records a key change the operator chose, before anything is signed with
 * the new key, so that the evidence is in the file before the re-signed log.
 *
 * @param db the SQLite database
 * @param choice what {@linkcode chooseLogKey} chose; nothing is recorded unless it replaces a key
 * @throws {Error} when the change cannot be written
 *
 * @example
 * ```ts
 * import { recordKeyChange } from "./log_key_start.ts";
 * const signer = { origin: "example.com/log", seed: new Uint8Array(32) };
 * // A choice that replaces nothing writes nothing, not even to a missing file.
 * recordKeyChange("/no/such.db", { signer, newKeyFile: null, replaces: null });
 * ```
 */
export function recordKeyChange(db: string, choice: LogKeyChoice): void {
  if (choice.replaces === null) return;
  recordLogKeyChange(db, {
    changedAt: new Date().toISOString(),
    previous: choice.replaces,
    newKey: newVerifierKey(choice),
  });
}

/**
 * The verifier key of a chosen signer, as `/v1/log/key` serves it.
 *
 * @param choice the choice
 * @returns the verifier key's text
 *
 * @example
 * ```ts
 * import { newVerifierKey } from "./log_key_start.ts";
 * const signer = { origin: "example.com/log", seed: new Uint8Array(32) };
 * const key = newVerifierKey({ signer, newKeyFile: null, replaces: null });
 * if (!key.startsWith("example.com/log+")) throw new Error(key);
 * ```
 */
export function newVerifierKey(choice: LogKeyChoice): string {
  return formatVerifierKey(
    verifierKey(choice.signer.origin, ed25519.getPublicKey(choice.signer.seed)),
  );
}
