/**
 * The one pin store of spec §10.4: what a client, or a mirror, keeps between
 * runs to check logs — the log key it trusts for each server, pinned or
 * trusted on first use, and the largest checkpoint it has verified for each
 * log. Where it is kept is the caller's choice: files under `$KEZ_HOME` for
 * `kez`, one file beside its database for a mirror, memory or `localStorage`
 * in a browser.
 *
 * @module
 */

import { formatVerifierKey, type VerifierKey } from "../tlog/mod.ts";

/** The log key trusted for one server. */
export interface TrustedKey {
  /** The verifier key's text, `<origin>+<key ID>+<base64 key>`. */
  readonly key: string;
  /** True when the user pinned it; false when it was trusted on first use. */
  readonly pinned: boolean;
  /**
   * The C2SP tlog-policy pinned with the key, whose witness quorum every
   * checkpoint of this server must meet; absent without one.
   */
  readonly policy?: string;
}

/** Where a client keeps its trusted keys and checkpoints. */
export interface LogStateStore {
  /**
   * Reads the key trusted for a server.
   *
   * @param server the server's base URL
   * @returns the key, or null when none is trusted yet
   */
  readKey(server: string): Promise<TrustedKey | null>;
  /**
   * Trusts a key for a server, replacing any other.
   *
   * @param server the server's base URL
   * @param trusted the key
   */
  writeKey(server: string, trusted: TrustedKey): Promise<void>;
  /**
   * Reads the largest checkpoint verified for a log. A log is its key: two
   * servers may share an origin (the default one) but not a key.
   *
   * @param log the log's verifier key
   * @returns the signed note verbatim, or null when none is kept
   */
  readCheckpoint(log: VerifierKey): Promise<string | null>;
  /**
   * Keeps a checkpoint as the largest verified for a log.
   *
   * @param log the log's verifier key
   * @param note the signed note verbatim
   */
  writeCheckpoint(log: VerifierKey, note: string): Promise<void>;
}

/**
 * A {@linkcode LogStateStore} in memory: for a browser page, a script, a test.
 *
 * @example
 * ```ts
 * import { MemoryLogState } from "./log_state.ts";
 * const state = new MemoryLogState();
 * await state.writeKey("http://localhost:7878", { key: "example.com/log+00000000+AQ==", pinned: true });
 * if ((await state.readKey("http://localhost:7878"))?.pinned !== true) throw new Error("unexpected");
 * ```
 */
export class MemoryLogState implements LogStateStore {
  readonly #keys = new Map<string, TrustedKey>();
  readonly #checkpoints = new Map<string, string>();

  /** {@inheritDoc LogStateStore.readKey} */
  readKey(server: string): Promise<TrustedKey | null> {
    return Promise.resolve(this.#keys.get(server) ?? null);
  }

  /** {@inheritDoc LogStateStore.writeKey} */
  writeKey(server: string, trusted: TrustedKey): Promise<void> {
    this.#keys.set(server, trusted);
    return Promise.resolve();
  }

  /** {@inheritDoc LogStateStore.readCheckpoint} */
  readCheckpoint(log: VerifierKey): Promise<string | null> {
    return Promise.resolve(this.#checkpoints.get(formatVerifierKey(log)) ?? null);
  }

  /** {@inheritDoc LogStateStore.writeCheckpoint} */
  writeCheckpoint(log: VerifierKey, note: string): Promise<void> {
    this.#checkpoints.set(formatVerifierKey(log), note);
    return Promise.resolve();
  }
}
