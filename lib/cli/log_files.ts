/**
 * What the CLI keeps of servers' transparency logs, under `$KEZ_HOME/log/`:
 *
 * - `servers/<server>.json`: the log key trusted for a server,
 *   `{"server", "key", "pinned"}`; `pinned` is false for a key trusted on
 *   first use;
 * - `checkpoints/<origin>+<key ID>.checkpoint`: the largest checkpoint
 *   verified for the log of that key, its signed note verbatim;
 * - `monitor/<server>.json`: the progress of `kez log monitor`.
 *
 * `<server>` is the server's base URL and `<origin>` the log's origin, with
 * every character but `a-z`, `0-9`, `.` and `-` written as `_` and its UTF-8
 * bytes in hex, so that names are safe and distinct on every filesystem.
 * Every file is replaced atomically.
 *
 * @module
 */

import { join } from "node:path";
import type { LogStateStore, TrustedKey } from "../client/mod.ts";
import { toHex } from "../protocol/mod.ts";
import type { VerifierKey } from "../tlog/mod.ts";
import { writeFileAtomic } from "../runtime/mod.ts";
import { CliError } from "./errors.ts";

const encoder = new TextEncoder();

/**
 * A file name for any text: `a-z`, `0-9`, `.` and `-` as they are, every
 * other character as `_` and the hex of its UTF-8 bytes. Distinct texts get
 * distinct names, also on case-insensitive filesystems.
 *
 * @param text a server URL or a log's origin
 * @returns the name
 *
 * @example
 * ```ts
 * import { safeName } from "./log_files.ts";
 * const name = safeName("http://127.0.0.1:7878");
 * if (name !== "http_3a_2f_2f127.0.0.1_3a7878") throw new Error(name);
 * ```
 */
export function safeName(text: string): string {
  return [...text].map((c) =>
    /^[a-z0-9.-]$/.test(c)
      ? c
      : [...encoder.encode(c)].map((b) => `_${b.toString(16).padStart(2, "0")}`).join("")
  ).join("");
}

/**
 * The directory of the log state in a kez home.
 *
 * @param home the kez home
 * @returns `home/log`
 *
 * @example
 * ```ts
 * import { logDir } from "./log_files.ts";
 * if (logDir("/k") !== "/k/log") throw new Error(logDir("/k"));
 * ```
 */
export function logDir(home: string): string {
  return join(home, "log");
}

/**
 * Reads a text file of the kez home.
 *
 * @param path the file
 * @returns its text, or null when it does not exist
 * @throws {Deno.errors.PermissionDenied} and other file-system errors
 *
 * @example
 * ```ts
 * import { readIfExists } from "./log_files.ts";
 * if ((await readIfExists("/no/such/file")) !== null) throw new Error("unexpected");
 * ```
 */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * Writes a file of the kez home atomically, creating its directory.
 *
 * @param path the file
 * @param text its content
 * @throws {Deno.errors.PermissionDenied} and other file-system errors
 *
 * @example
 * ```ts
 * import { readIfExists, writeCreating } from "./log_files.ts";
 * const home = await Deno.makeTempDir();
 * await writeCreating(`${home}/a/b.txt`, "x");
 * if ((await readIfExists(`${home}/a/b.txt`)) !== "x") throw new Error("unexpected");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function writeCreating(path: string, text: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await writeFileAtomic(path, text);
}

/** A trusted key with the server it is trusted for. */
export interface ServerKey extends TrustedKey {
  /** The server's base URL. */
  readonly server: string;
}

function parseServerKey(text: string, path: string): ServerKey {
  const value = (() => {
    try {
      return JSON.parse(text) as Partial<ServerKey>;
    } catch {
      return {};
    }
  })();
  const { server, key, pinned, policy } = value;
  if (
    typeof server !== "string" || typeof key !== "string" || typeof pinned !== "boolean" ||
    (policy !== undefined && typeof policy !== "string")
  ) {
    throw new CliError(`Cannot read ${path}: it is not {"server", "key", "pinned"[, "policy"]}`);
  }
  return { server, key, pinned, ...(policy === undefined ? {} : { policy }) };
}

/**
 * Every key trusted for some server, for checking a proof offline.
 *
 * @param home the kez home
 * @returns the keys, with their servers
 * @throws {CliError} when a file is malformed
 *
 * @example
 * ```ts
 * import { FileLogState, trustedKeys } from "./log_files.ts";
 * const home = await Deno.makeTempDir();
 * await new FileLogState(() => home).writeKey("http://localhost:7878", { key: "example.com/log+00000000+AQ==", pinned: true });
 * const keys = await trustedKeys(home);
 * await Deno.remove(home, { recursive: true });
 * if (keys[0]?.server !== "http://localhost:7878") throw new Error("unexpected");
 * ```
 */
export async function trustedKeys(home: string): Promise<ServerKey[]> {
  const dir = join(logDir(home), "servers");
  const keys: ServerKey[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      const path = join(dir, entry.name);
      keys.push(parseServerKey(await Deno.readTextFile(path), path));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return keys;
}

/**
 * The client's log state in files under `$KEZ_HOME/log/` (see the module
 * documentation for the layout).
 *
 * @example
 * ```ts
 * import { FileLogState } from "./log_files.ts";
 * import { parseVerifierKey } from "../tlog/mod.ts";
 * const home = await Deno.makeTempDir();
 * const state = new FileLogState(() => home);
 * const log = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * await state.writeCheckpoint(log, "note\n");
 * const kept = await state.readCheckpoint(log);
 * await Deno.remove(home, { recursive: true });
 * if (kept !== "note\n") throw new Error("unexpected");
 * ```
 */
export class FileLogState implements LogStateStore {
  readonly #home: () => string;

  /**
   * @param home finds the kez home when first needed (commands that never
   *   talk to a server need none)
   */
  constructor(home: () => string) {
    this.#home = home;
  }

  #keyPath(server: string): string {
    return join(logDir(this.#home()), "servers", `${safeName(server)}.json`);
  }

  #checkpointPath(log: VerifierKey): string {
    const name = safeName(`${log.name}+${toHex(log.id)}`);
    return join(logDir(this.#home()), "checkpoints", `${name}.checkpoint`);
  }

  /** {@inheritDoc LogStateStore.readKey} */
  async readKey(server: string): Promise<TrustedKey | null> {
    const path = this.#keyPath(server);
    const text = await readIfExists(path);
    if (text === null) return null;
    const { key, pinned, policy } = parseServerKey(text, path);
    return { key, pinned, ...(policy === undefined ? {} : { policy }) };
  }

  /** {@inheritDoc LogStateStore.writeKey} */
  async writeKey(server: string, trusted: TrustedKey): Promise<void> {
    const { key, pinned, policy } = trusted;
    const record = { server, key, pinned, ...(policy === undefined ? {} : { policy }) };
    await writeCreating(this.#keyPath(server), JSON.stringify(record) + "\n");
  }

  /** {@inheritDoc LogStateStore.readCheckpoint} */
  readCheckpoint(log: VerifierKey): Promise<string | null> {
    return readIfExists(this.#checkpointPath(log));
  }

  /** {@inheritDoc LogStateStore.writeCheckpoint} */
  async writeCheckpoint(log: VerifierKey, note: string): Promise<void> {
    await writeCreating(this.#checkpointPath(log), note);
  }
}
