/**
 * What a mirror remembers about its upstream beside its database: the
 * upstream log's verifier key, pinned on first contact, and the largest
 * upstream checkpoint it has verified against its own tree (spec §10.4). The
 * mirror's log itself is the rest of its state.
 *
 * @module
 */

import { writeFileAtomic } from "../runtime/mod.ts";
import {
  type Checkpoint,
  openCheckpoint,
  parseVerifierKey,
  type VerifierKey,
} from "../tlog/mod.ts";

/** A verified upstream checkpoint: the signed note verbatim, and what it says. */
export interface KeptCheckpoint extends Checkpoint {
  /** The signed note, as the upstream served it. */
  readonly note: string;
}

interface PinJson {
  key: string;
  checkpoint: string | null;
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
 * The pinned key and the kept checkpoint, saved atomically on every change.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { UpstreamPin } from "./upstream_pin.ts";
 * import { emptyRoot, formatVerifierKey, signCheckpoint, verifierKey } from "../tlog/mod.ts";
 * const seed = new Uint8Array(32).fill(3);
 * const key = formatVerifierKey(verifierKey("kez.example/log", ed25519.getPublicKey(seed)));
 * const note = signCheckpoint({ origin: "kez.example/log", size: 0, root: emptyRoot() }, seed);
 * const dir = await Deno.makeTempDir();
 * const pin = await UpstreamPin.load(`${dir}/pin.json`);
 * await pin.pinKey(key);
 * await pin.keep(note);
 * const again = await UpstreamPin.load(`${dir}/pin.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (again.keyText !== key || again.kept?.size !== 0) throw new Error("unexpected");
 * ```
 */
export class UpstreamPin {
  readonly #path: string | null;
  #keyText: string | null;
  #key: VerifierKey | null;
  #kept: KeptCheckpoint | null;

  private constructor(path: string | null, json: PinJson | null) {
    this.#path = path;
    this.#keyText = json?.key ?? null;
    this.#key = json === null ? null : parseVerifierKey(json.key);
    this.#kept = json?.checkpoint == null ? null : keptOf(json.checkpoint, this.#key!);
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
        (json.checkpoint === null || typeof json.checkpoint === "string");
      if (!valid) throw new SyntaxError("expected a key and a checkpoint");
      return new UpstreamPin(path, json);
    } catch (e) {
      throw new Error(`Cannot use upstream pin file "${path}": ${(e as Error).message}`);
    }
  }

  /** The pinned key's text, or null before the first contact. */
  get keyText(): string | null {
    return this.#keyText;
  }

  /** The pinned key, or null before the first contact. */
  get key(): VerifierKey | null {
    return this.#key;
  }

  /** The largest upstream checkpoint verified so far, or null. */
  get kept(): KeptCheckpoint | null {
    return this.#kept;
  }

  /**
   * Pins the upstream's key, trusted on first use.
   *
   * @param keyText the key as the upstream served it
   * @throws {SyntaxError} when it is not a verifier key
   * @throws {Error} when a key is pinned already, or the file cannot be written
   */
  async pinKey(keyText: string): Promise<void> {
    if (this.#keyText !== null) throw new Error("Cannot pin upstream key: one is pinned already");
    const key = parseVerifierKey(keyText);
    await this.#save({ key: keyText, checkpoint: null });
    [this.#keyText, this.#key] = [keyText, key];
  }

  /**
   * Keeps a checkpoint the mirror has verified, in place of the one before.
   *
   * @param note the signed checkpoint, verbatim
   * @throws {Error} when no key is pinned, the pinned key did not sign it,
   *   or the file cannot be written
   */
  async keep(note: string): Promise<void> {
    if (this.#keyText === null) throw new Error("Cannot keep a checkpoint: no key is pinned");
    const kept = keptOf(note, this.#key!);
    await this.#save({ key: this.#keyText, checkpoint: note });
    this.#kept = kept;
  }

  async #save(json: PinJson): Promise<void> {
    if (this.#path !== null) await writeFileAtomic(this.#path, `${JSON.stringify(json)}\n`);
  }
}

function keptOf(note: string, key: VerifierKey): KeptCheckpoint {
  return { ...openCheckpoint(note, key), note };
}
