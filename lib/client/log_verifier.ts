/**
 * What a client does with a server's transparency log (spec §10.4): trust its
 * key (pinned, or on first use, and say so), check every checkpoint it serves
 * against the largest one kept (with {@linkcode CheckpointChecker}), check
 * that the head it served is in the log, and raise a {@linkcode LogAlarm}
 * with the evidence when anything fails.
 *
 * @module
 */

import { type ChainEvent, KezError } from "../protocol/mod.ts";
import {
  type Checkpoint,
  formatVerifierKey,
  openTlogProof,
  parseVerifierKey,
  type VerifierKey,
  type WitnessSignature,
} from "../tlog/mod.ts";
import {
  CheckpointChecker,
  type SmallerCheckpointPolicy,
  type TrustedLog,
  type VerifiedCheckpoint,
} from "./checkpoint_checker.ts";
import { type Evidence, keptCheckpointEvidence, LogAlarm } from "./log_alarm.ts";
import { LogApi } from "./log_api.ts";
import type { LogStateStore } from "./log_state.ts";
import type { FetchFn } from "./http.ts";
import { policyFor, proveWitnessed, WITNESS_WAIT_MS, witnessedView } from "./witness_quorum.ts";

const encoder = new TextEncoder();

/** How a verifier reaches servers and reports what it cannot check. */
export interface LogVerifierOptions {
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn;
  /** Aborts every request, e.g. `AbortSignal.timeout(10_000)`. */
  readonly signal?: AbortSignal;
  /**
   * Told, once per server, what is trusted on first use or not checked at all
   * (a server without a log); silent by default.
   */
  readonly onWarning?: (message: string) => void;
  /**
   * What a served checkpoint smaller than the kept one means; `"prove"` by
   * default, since a client may reach an honest log through a stale cache.
   */
  readonly smaller?: SmallerCheckpointPolicy;
  /**
   * A C2SP tlog-policy for every server, over any kept beside a pinned key:
   * only checkpoints its witness quorum cosigned are trusted.
   */
  readonly policy?: string;
  /** How long to wait for a witnessed checkpoint to cover an event; 30 s by default. */
  readonly witnessWaitMs?: number;
  /** The POSIX time in seconds, for cosignature timestamps; the clock by default. */
  readonly now?: () => number;
}

/** A server's latest checkpoint, verified and found consistent with the kept one. */
export interface LogView {
  /** The log. */
  readonly log: TrustedLog;
  /** The checkpoint the server serves now. */
  readonly served: VerifiedCheckpoint;
  /** The largest checkpoint verified so far, kept from now on: `served` or a larger one. */
  readonly kept: VerifiedCheckpoint;
  /** With a witness policy, the witnesses that cosigned `served`. */
  readonly cosigners?: readonly WitnessSignature[];
}

/** An event's inclusion proof, verified. */
export interface ProvedEvent {
  /** The C2SP tlog-proof's text, as served. */
  readonly proof: string;
  /** The event's index in the log. */
  readonly index: number;
  /**
   * The proof's checkpoint, verified and consistent with the kept one; with a
   * witness policy, the witnessed checkpoint the event was proven in.
   */
  readonly checkpoint: Checkpoint;
  /** With a witness policy, the witnesses that cosigned that checkpoint. */
  readonly cosigners?: readonly WitnessSignature[];
}

/**
 * Checks servers' logs, keeping what it learns in a {@linkcode LogStateStore}.
 * One verifier serves one run of a program: it asks each server for its key
 * at most once and warns at most once per server.
 *
 * @example
 * ```ts
 * import { LogVerifier } from "./log_verifier.ts";
 * import { MemoryLogState } from "./log_state.ts";
 * // A stub server without a log: a warning, and nothing to check.
 * const fetch = () => Promise.resolve(Response.json({ error: { code: "not_found", message: "No route" } }, { status: 404 }));
 * const warnings: string[] = [];
 * const verifier = new LogVerifier(new MemoryLogState(), { fetch, onWarning: (w) => warnings.push(w) });
 * await verifier.checkHead("http://localhost:7878", "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", null);
 * await verifier.checkHead("http://localhost:7878", "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", null);
 * if (warnings.length !== 1 || !warnings[0]!.includes("no transparency log")) throw new Error(warnings.join());
 * ```
 */
export class LogVerifier {
  readonly #state: LogStateStore;
  readonly #checker: CheckpointChecker;
  readonly #options: LogVerifierOptions;
  readonly #logs = new Map<string, Promise<TrustedLog | null>>();
  readonly #warned = new Set<string>();
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * @param state where trusted keys and kept checkpoints live
   * @param options the `fetch`, the abort signal, where warnings go, the
   *   policy for a smaller checkpoint
   */
  constructor(state: LogStateStore, options: LogVerifierOptions = {}) {
    this.#state = state;
    this.#checker = new CheckpointChecker(state, { smaller: options.smaller ?? "prove" });
    this.#options = options;
  }

  /**
   * Runs checks one at a time: two servers of one log must not both replace
   * the kept checkpoint from the same starting point.
   */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  #warn(server: string, message: string): void {
    if (this.#warned.has(server)) return;
    this.#warned.add(server);
    this.#options.onWarning?.(message);
  }

  /**
   * The log a server is checked against: its pinned key, the key trusted on
   * first use before, or, the first time, the key it serves now (with a
   * warning).
   *
   * @param server the server's base URL
   * @returns the log, or null when the server has none (404 on its key) and
   *   no key is kept for it
   * @throws {KezError} `unavailable`, or `internal` for a malformed key
   */
  trustedLog(server: string): Promise<TrustedLog | null> {
    const api = new LogApi(server, this.#options);
    let log = this.#logs.get(api.server);
    if (log === undefined) {
      log = this.#resolve(api);
      this.#logs.set(api.server, log);
    }
    return log;
  }

  async #resolve(api: LogApi): Promise<TrustedLog | null> {
    const { server } = api;
    const kept = await this.#state.readKey(server);
    if (kept !== null) {
      const key = parseKey(kept.key, server);
      const text = this.#options.policy ?? kept.policy;
      const policy = text === undefined ? {} : { policy: policyFor(text, key, server) };
      return { api, key, pinned: kept.pinned, ...policy };
    }
    const served = await api.key();
    if (served === null) {
      this.#warn(
        server,
        `${server} has no transparency log (404 on /v1/log/key): its answers are not checked`,
      );
      return null;
    }
    const key = parseKey(served, server);
    const text = this.#options.policy;
    // Checked before the key is kept: a policy that names another log refuses this one.
    const policy = text === undefined ? {} : { policy: policyFor(text, key, server) };
    await this.#state.writeKey(server, { key: formatVerifierKey(key), pinned: false });
    this.#warn(
      server,
      `trusting log key ${formatVerifierKey(key)} of ${server} on first use (TOFU); ` +
        "check it out of band and pin it",
    );
    return { api, key, pinned: false, ...policy };
  }

  /**
   * Checks a server's latest checkpoint: its signature with the trusted key,
   * and its consistency with the largest checkpoint kept, which it replaces
   * when larger (see {@linkcode CheckpointChecker.check}).
   *
   * @param server the server's base URL
   * @returns the log and its checkpoints, or null when the server has no log
   *   and no key of it is kept (a warning says so)
   * @throws {LogAlarm} when a check fails, or the log of a kept key is gone
   * @throws {KezError} `unavailable` and other failures to get an answer
   */
  latest(server: string): Promise<LogView | null> {
    return this.#exclusive(async () => {
      const log = await this.trustedLog(server);
      return log === null ? null : await this.#latest(log);
    });
  }

  async #latest(log: TrustedLog): Promise<LogView> {
    const { server } = log.api;
    const note = await log.api.checkpoint();
    if (note === null) {
      // A log once trusted, pinned or on first use, does not go away quietly:
      // a server hiding its log is what the log is there to catch.
      const key = formatVerifierKey(log.key);
      throw new LogAlarm(
        server,
        `Cannot verify checkpoint of ${server}: it serves no transparency log (404), ` +
          `but its log key ${key} ${log.pinned ? "is pinned" : "was trusted on first use"}`,
        [await this.#keptEvidence(log)],
      );
    }
    if (log.policy !== undefined) {
      const view = await witnessedView(log, log.policy, this.#checker, 0, this.#quorum());
      const { cosigners, kept } = view;
      return { log, served: { note: view.note, checkpoint: view.checkpoint }, kept, cosigners };
    }
    const served = { name: `served checkpoint (${server}/v1/log/checkpoint)`, text: note };
    return await this.#accept(log, served, []);
  }

  #quorum() {
    const { witnessWaitMs, now } = this.#options;
    return {
      waitMs: witnessWaitMs ?? WITNESS_WAIT_MS,
      now: now ?? (() => Math.floor(Date.now() / 1000)),
    };
  }

  async #keptEvidence(log: TrustedLog): Promise<Evidence> {
    return keptCheckpointEvidence(await this.#state.readCheckpoint(log.key));
  }

  /** Checks a served checkpoint against the kept one, and keeps the larger. */
  async #accept(log: TrustedLog, served: Evidence, more: Evidence[]): Promise<LogView> {
    const checked = await this.#checker.check(log, served, more);
    await this.#checker.keep(log, checked);
    return { log, served: checked.served, kept: checked.larger };
  }

  /**
   * Gets and checks an event's inclusion proof: the proof's checkpoint is
   * verified and checked against the kept one like any other.
   *
   * @param log the server's log, from {@linkcode trustedLog}
   * @param primary the chain's owner
   * @param event the event, whose canonical line is the leaf
   * @returns the verified proof, or null when the server has none (404)
   * @throws {LogAlarm} when the proof or its checkpoint fails a check
   * @throws {KezError} `unavailable` and other failures to get an answer
   */
  proveEvent(log: TrustedLog, primary: string, event: ChainEvent): Promise<ProvedEvent | null> {
    return this.#exclusive(() => this.#prove(log, primary, event));
  }

  async #prove(log: TrustedLog, primary: string, event: ChainEvent): Promise<ProvedEvent | null> {
    const { server } = log.api;
    const { seq } = event.envelope.payload;
    const proof = await log.api.eventProof(primary, seq);
    if (proof === null) return null;
    const evidence: Evidence[] = [
      { name: `served proof (${server}, ${primary} seq ${seq})`, text: proof },
      { name: `served event (${primary} seq ${seq})`, text: event.line },
    ];
    let opened;
    try {
      opened = openTlogProof(proof, encoder.encode(event.line), log.key);
    } catch (e) {
      throw new LogAlarm(
        server,
        `Cannot verify inclusion of ${primary} seq ${seq} in the log of ${server}: ${reason(e)}`,
        [await this.#keptEvidence(log), ...evidence],
        { cause: e },
      );
    }
    const name = `checkpoint of the proof of ${primary} seq ${seq}`;
    await this.#accept(log, { name, text: opened.note }, evidence);
    if (log.policy === undefined) {
      return { proof, index: opened.index, checkpoint: opened.checkpoint };
    }
    const { index } = opened;
    const view = await witnessedView(log, log.policy, this.#checker, index + 1, this.#quorum());
    await proveWitnessed(log, view, index, event.line, `${primary} seq ${seq}`);
    return { proof, index, checkpoint: view.checkpoint, cosigners: view.cosigners };
  }

  /**
   * What every fetch from a server checks (spec §10.4): the latest
   * checkpoint, and that the head it served is in the log.
   *
   * @param server the server's base URL
   * @param primary the chain's owner
   * @param head the chain's last event as served, or null when it served none
   * @throws {LogAlarm} when a check fails, or the server has no proof for the head
   * @throws {KezError} `unavailable` and other failures to get an answer
   */
  async checkHead(server: string, primary: string, head: ChainEvent | null): Promise<void> {
    if (head === null) await this.latest(server);
    else await this.checkEvent(server, primary, head);
  }

  /**
   * Checks the server's latest checkpoint and that an event it serves is in
   * its log.
   *
   * @param server the server's base URL
   * @param primary the chain's owner
   * @param event an event the server serves
   * @returns the verified proof, or null when the server has no log (and its
   *   key is not pinned)
   * @throws {LogAlarm} when a check fails, or the server has no proof for the event
   * @throws {KezError} `unavailable` and other failures to get an answer
   */
  checkEvent(server: string, primary: string, event: ChainEvent): Promise<ProvedEvent | null> {
    return this.#exclusive(async () => {
      const log = await this.trustedLog(server);
      const view = log === null ? null : await this.#latest(log);
      if (view === null) return null;
      const proved = await this.#prove(view.log, primary, event);
      if (proved !== null) return proved;
      const { seq } = event.envelope.payload;
      const at = view.log.api.server;
      throw new LogAlarm(
        at,
        `Cannot verify inclusion of ${primary} seq ${seq} in the log of ${at}: ` +
          "the server serves the event but has no inclusion proof for it",
        [
          await this.#keptEvidence(view.log),
          { name: `served checkpoint (${at}/v1/log/checkpoint)`, text: view.served.note },
          { name: `served event (${primary} seq ${seq})`, text: event.line },
        ],
      );
    });
  }
}

function parseKey(text: string, server: string): VerifierKey {
  try {
    return parseVerifierKey(text);
  } catch (cause) {
    throw new KezError("internal", `Cannot use the log key of ${server}: ${reason(cause)}`, {
      cause,
    });
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
