/**
 * Where a mirror keeps what it trusts of its upstream beside its database:
 * the client's one pin store ({@linkcode LogStateStore}), in one file for one
 * upstream. It holds the upstream log's verifier key, pinned on first
 * contact, and the largest upstream checkpoint verified against the mirror's
 * own tree (spec §10.4). The mirror's log itself is the rest of its state.
 *
 * The file is `{"key", "pinned", "checkpoint"}`: the key's text, whether
 * someone pinned it (false when it was trusted on first use; files written
 * before it was recorded have none, and were), and the checkpoint's signed
 * note verbatim, or null.
 *
 * @module
 */

import type { LogStateStore, TrustedKey, VerifiedCheckpoint } from "../client/mod.ts";
import { writeFileAtomic } from "../runtime/mod.ts";
import {
  formatVerifierKey,
  openCheckpoint,
  parseVerifierKey,
  type VerifierKey,
} from "../tlog/mod.ts";

interface PinJson {
  readonly key: string;
  readonly pinned?: boolean;
  readonly checkpoint: string | null;
}

/**
 * The default pin file of a mirror's database: beside it, named after it.
 *
 * @param db the database path
 * @returns the pin file's path, or null for `":memory:"`, whose pin lives as
 *   long as the process
 *
 * @example
 * ```ts
 * import { defaultPinPath } from "./upstream_pin.ts";
 * if (defaultPinPath("data/kez.db") !== "data/kez.db-upstream.json") throw new Error("unexpected");
 * ```
 */
export function defaultPinPath(db: string): string | null {
  return db === ":memory:" ? null : `${db}-upstream.json`;
}

/**
 * The upstream's key and kept checkpoint, saved atomically on every change.
 * It serves one upstream, whatever its address: a key read or written for
 * any server is the upstream's, so that a mirror pointed at a new address
 * keeps checking the log it has copied.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { UpstreamPin } from "./upstream_pin.ts";
 * import { emptyRoot, formatVerifierKey, signCheckpoint, verifierKey } from "../tlog/mod.ts";
 * const seed = new Uint8Array(32).fill(3);
 * const key = verifierKey("kez.example/log", ed25519.getPublicKey(seed));
 * const note = signCheckpoint({ origin: "kez.example/log", size: 0, root: emptyRoot() }, seed);
 * const dir = await Deno.makeTempDir();
 * const pin = await UpstreamPin.load(`${dir}/pin.json`);
 * await pin.writeKey("https://kez.example", { key: formatVerifierKey(key), pinned: false });
 * await pin.writeCheckpoint(key, note);
 * const again = await UpstreamPin.load(`${dir}/pin.json`);
 * await Deno.remove(dir, { recursive: true });
 * if ((await again.readKey("https://elsewhere.example"))?.key !== formatVerifierKey(key)) {
 *   throw new Error("one upstream, whatever its address");
 * }
 * if (again.kept?.checkpoint.size !== 0) throw new Error("unexpected");
 * ```
 */
export class UpstreamPin implements LogStateStore {
  readonly #path: string | null;
  #json: PinJson | null;
  #key: VerifierKey | null;
  #kept: VerifiedCheckpoint | null;

  private constructor(path: string | null, json: PinJson | null) {
    this.#path = path;
    this.#json = json;
    this.#key = json === null ? null : parseVerifierKey(json.key);
    this.#kept = json?.checkpoint == null ? null : opened(json.checkpoint, this.#key!);
  }

  /**
   * Reads the pin file; a missing file is an upstream not contacted yet.
   *
   * @param path the file, or null to keep the pin in memory only
   * @returns the pin
   * @throws {Error} when the file cannot be read, or does not hold a valid
   *   key and a checkpoint that key signed
   */
  static async load(path: string | null): Promise<UpstreamPin> {
    if (path === null) return new UpstreamPin(null, null);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return new UpstreamPin(path, null);
      throw new Error(`Cannot read upstream pin file "${path}": ${(e as Error).message}`);
    }
    try {
      const json = JSON.parse(text);
      const valid = typeof json?.key === "string" &&
        (json.pinned === undefined || typeof json.pinned === "boolean") &&
        (json.checkpoint === null || typeof json.checkpoint === "string");
      if (!valid) throw new SyntaxError("expected a key and a checkpoint");
      return new UpstreamPin(path, json);
    } catch (e) {
      throw new Error(`Cannot use upstream pin file "${path}": ${(e as Error).message}`);
    }
  }

  /** The largest upstream checkpoint verified so far, or null. */
  get kept(): VerifiedCheckpoint | null {
    return this.#kept;
  }

  /**
   * Reads the upstream's key.
   *
   * @param _server the upstream's address, which does not matter
   * @returns the key, or null before the first contact
   */
  readKey(_server: string): Promise<TrustedKey | null> {
    const json = this.#json;
    return Promise.resolve(json === null ? null : { key: json.key, pinned: json.pinned ?? false });
  }

  /**
   * Trusts a key for the upstream; the checkpoint kept stays only when the
   * key is the same.
   *
   * @param _server the upstream's address, which does not matter
   * @param trusted the key
   * @throws {SyntaxError} when it is not a verifier key
   * @throws {Error} when the file cannot be written
   */
  async writeKey(_server: string, trusted: TrustedKey): Promise<void> {
    const key = parseVerifierKey(trusted.key);
    const same = this.#key !== null && formatVerifierKey(key) === formatVerifierKey(this.#key);
    const json = { key: trusted.key, pinned: trusted.pinned, checkpoint: null };
    await this.#save(same ? { ...json, checkpoint: this.#json!.checkpoint } : json);
    if (!same) [this.#key, this.#kept] = [key, null];
  }

  /**
   * Reads the checkpoint kept for a log.
   *
   * @param log the log's verifier key
   * @returns the signed note, or null when none is kept or the log is not the upstream's
   */
  readCheckpoint(log: VerifierKey): Promise<string | null> {
    return Promise.resolve(this.#isUpstream(log) ? this.#kept?.note ?? null : null);
  }

  /**
   * Keeps a checkpoint the mirror has verified, in place of the one before.
   *
   * @param log the log's verifier key: the upstream's
   * @param note the signed checkpoint, verbatim
   * @throws {Error} when the log is not the upstream's, its key did not sign
   *   the note, or the file cannot be written
   */
  async writeCheckpoint(log: VerifierKey, note: string): Promise<void> {
    if (!this.#isUpstream(log)) {
      throw new Error(
        `Cannot keep a checkpoint of ${formatVerifierKey(log)}: it is not the upstream's log`,
      );
    }
    const kept = opened(note, this.#key!);
    await this.#save({ ...this.#json!, checkpoint: note });
    this.#kept = kept;
  }

  #isUpstream(log: VerifierKey): boolean {
    return this.#key !== null && formatVerifierKey(log) === formatVerifierKey(this.#key);
  }

  async #save(json: PinJson): Promise<void> {
    if (this.#path !== null) await writeFileAtomic(this.#path, `${JSON.stringify(json)}\n`);
    this.#json = json;
  }
}

function opened(note: string, key: VerifierKey): VerifiedCheckpoint {
  return { note, checkpoint: openCheckpoint(note, key) };
}
