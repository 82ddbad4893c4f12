/**
 * The mirror's loop: follow an upstream's transparency log, re-check every
 * entry through the store's own append path, and check the upstream's signed
 * checkpoints with the client's {@linkcode CheckpointChecker} and against the
 * mirror's own tree (spec §10.4). Outages are waited out; a lie stops the
 * loop for good, with its {@linkcode LogAlarm} logged.
 *
 * @module
 */

// The client's modules, not its mod.ts: that would load its channels (and
// nostr-tools, with its own copy of noble) into every server.
import {
  type CheckedCheckpoint,
  CheckpointChecker,
  type TrustedLog,
} from "../client/checkpoint_checker.ts";
import { type Evidence, keptCheckpointEvidence, LogAlarm } from "../client/log_alarm.ts";
import { LogApi } from "../client/log_api.ts";
import type { LogStateStore } from "../client/log_state.ts";
import type { Logger } from "../log/mod.ts";
import { type ChainEvent, equalBytes, KezError, MAX_ENTRIES_PAGE } from "../protocol/mod.ts";
import type { AppendResult, TransparencyLog } from "../store/mod.ts";
import {
  emptyRoot,
  encodeBase64,
  formatVerifierKey,
  parseVerifierKey,
  verifyConsistency,
} from "../tlog/mod.ts";
import { feedEvent } from "./feed_event.ts";

/** What the follower needs of the store: its log, and appends that keep their order. */
export interface MirrorStore {
  /** The mirror's own transparency log. */
  readonly log?: TransparencyLog | undefined;
  /**
   * Appends events in the given order, each after the checks of §5.
   *
   * @param events the events, in order
   * @returns one result per event
   */
  appendInOrder(events: readonly ChainEvent[]): Promise<AppendResult>[];
}

/** Options of {@linkcode Follower.start}. */
export interface FollowerOptions {
  /** The mirror's store, with its transparency log. */
  readonly store: MirrorStore;
  /** The base URL of the upstream to follow. */
  readonly upstream: string;
  /** How long one request to the upstream may take, in milliseconds; 10 s by default. */
  readonly timeoutMs?: number;
  /**
   * Where the upstream's key and the largest checkpoint verified are kept:
   * an {@linkcode UpstreamPin}, which holds one upstream whatever its address.
   */
  readonly pin: LogStateStore;
  /** Where progress, warnings and evidence go. */
  readonly logger: Logger;
  /** How long to wait between polls once caught up, in milliseconds; 1000 by default. */
  readonly pollMs?: number;
  /** The longest wait between retries while the upstream fails, in milliseconds; 30 s by default. */
  readonly maxBackoffMs?: number;
}

/** How often a long catch-up reports its progress, in milliseconds. */
const PROGRESS_MS = 2000;

/** Error codes that tell of the mirror's own store, not of the upstream's entries. */
const LOCAL_FAILURES: readonly string[] = ["unavailable", "internal"];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
    if (signal.aborted) done();
  });
}

/**
 * Follows one upstream until stopped, or until the upstream is caught in a lie.
 *
 * @example
 * ```ts
 * import { Follower, UpstreamPin } from "./mod.ts";
 * import { Appender } from "../append/mod.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "mirror.example/log", seed: new Uint8Array(32) } });
 * const follower = Follower.start({
 *   store: new Appender(store),
 *   upstream: "http://127.0.0.1:9",
 *   pin: await UpstreamPin.load(null),
 *   logger: createLogger("error"),
 * });
 * await follower.stop();
 * if (follower.halted !== null) throw new Error("an unreachable upstream is waited out");
 * await store.close();
 * ```
 */
export class Follower {
  readonly #store: MirrorStore;
  readonly #log: TransparencyLog;
  readonly #upstream: LogApi;
  readonly #pin: LogStateStore;
  // A smaller checkpoint is refused: the mirror polls its upstream directly
  // and has copied the larger tree already, so a shrinking log is a rollback.
  readonly #checker: CheckpointChecker;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #maxBackoffMs: number;
  readonly #stop = new AbortController();
  #halted: LogAlarm | null = null;
  #trusted: TrustedLog | null = null;
  #finished: Promise<void> = Promise.resolve();

  private constructor(options: FollowerOptions, log: TransparencyLog) {
    this.#store = options.store;
    this.#log = log;
    const timeoutMs = options.timeoutMs ?? 10_000;
    // Each request ends at its timeout or at the follower's stop, whichever comes first.
    this.#upstream = new LogApi(options.upstream, {
      signal: this.#stop.signal,
      fetch: (url, init) =>
        fetch(url, {
          ...init,
          signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(timeoutMs)]),
        }),
    });
    this.#pin = options.pin;
    this.#checker = new CheckpointChecker(options.pin, { smaller: "refuse" });
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  /**
   * Starts following in the background.
   *
   * @param options the store, the upstream, the pin, the logger and the timings
   * @returns the running follower
   * @throws {TypeError} when the store keeps no transparency log
   */
  static start(options: FollowerOptions): Follower {
    const log = options.store.log;
    if (log === undefined) {
      throw new TypeError("Cannot follow upstream: the mirror's store keeps no transparency log");
    }
    const follower = new Follower(options, log);
    follower.#finished = follower.#run();
    return follower;
  }

  /** The alarm the follower stopped on, with its evidence, or null while it follows (or was stopped). */
  get halted(): LogAlarm | null {
    return this.#halted;
  }

  /** Settles when the loop has ended: stopped, or halted on evidence. It never rejects. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /**
   * Stops following: requests in flight are aborted, appends in flight are
   * awaited, so the store can be closed after.
   *
   * @returns when the loop has ended
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#finished;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let backoff = this.#pollMs;
    let failing = false;
    while (!signal.aborted) {
      let caughtUp: boolean;
      try {
        caughtUp = await this.#step();
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof LogAlarm) {
          this.#halted = e;
          this.#logger.error(
            `${e.message}\nThe mirror stopped following and keeps serving what it has. The ` +
              `evidence follows, each item verbatim (but its final newline) between its lines:\n` +
              e.report(),
          );
          return;
        }
        this.#logger.warn(
          `Cannot follow upstream ${this.#upstream.server} now, retrying in ${backoff} ms: ${
            (e as Error).message
          }`,
        );
        failing = true;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.#maxBackoffMs);
        continue;
      }
      if (failing) this.#logger.info(`following upstream ${this.#upstream.server} again`);
      failing = false;
      backoff = this.#pollMs;
      if (caughtUp) await sleep(this.#pollMs, signal);
    }
  }

  /**
   * One round: verify the upstream's latest checkpoint, copy the entries up
   * to its size, compare roots, keep it.
   *
   * @returns true when there was nothing new to copy
   */
  async #step(): Promise<boolean> {
    const log = await this.#trust();
    const note = await this.#upstream.checkpoint();
    if (note === null) throw this.#noLog("/v1/log/checkpoint");
    const served = {
      name: `served checkpoint (${this.#upstream.server}/v1/log/checkpoint)`,
      text: note,
    };
    const checked = await this.#checker.check(log, served, this.#more(log));
    const { checkpoint } = checked.served;
    const start = this.#log.checkpoint().size;
    if (checked.larger === checked.kept && start === checkpoint.size) return true;
    let size = start;
    let reported = performance.now();
    while (size < checkpoint.size) {
      size = await this.#copy(size, checkpoint.size, log, checked);
      if (size < checkpoint.size && performance.now() - reported >= PROGRESS_MS) {
        reported = performance.now();
        this.#logger.info(
          `catching up with ${this.#upstream.server}: ${size} of ${checkpoint.size}`,
        );
      }
    }
    await this.#compareRoots(log, checked);
    await this.#checker.keep(log, checked);
    if (size > start) {
      this.#logger.info(
        `mirrored ${
          size - start
        } entries of ${this.#upstream.server}: at size ${size}, roots equal`,
      );
    }
    return size === start;
  }

  /**
   * The upstream's log, checked once per run: its key is pinned on first
   * contact, and a key other than the pinned one is refused.
   */
  async #trust(): Promise<TrustedLog> {
    if (this.#trusted !== null) return this.#trusted;
    const { server } = this.#upstream;
    const served = await this.#upstream.key();
    if (served === null) throw this.#noLog("/v1/log/key");
    let trusted = await this.#pin.readKey(server);
    if (trusted === null) {
      try {
        parseVerifierKey(served);
      } catch (e) {
        throw new Error(`Cannot read the key of ${server}: ${(e as Error).message}`);
      }
      trusted = { key: served, pinned: false };
      await this.#pin.writeKey(server, trusted);
      this.#logger.info(`pinned the log key of ${server} on first use: ${served}`);
    } else if (served !== trusted.key) {
      const key = parseVerifierKey(trusted.key);
      throw this.#alarm(`its log key ${served} is not the pinned key ${trusted.key}`, [
        keptCheckpointEvidence(await this.#pin.readCheckpoint(key)),
        ...this.#more({ key }),
      ]);
    }
    this.#trusted = {
      api: this.#upstream,
      key: parseVerifierKey(trusted.key),
      pinned: trusted.pinned,
    };
    return this.#trusted;
  }

  /** An upstream that answers 404 on a log route: down or misconfigured, so retried. */
  #noLog(route: string): Error {
    return new Error(`${this.#upstream.server} serves no transparency log (404 on ${route})`);
  }

  /**
   * Copies one page of entries, from the mirror's size towards `to`.
   *
   * @returns the mirror's size after it
   */
  async #copy(
    from: number,
    to: number,
    log: TrustedLog,
    checked: CheckedCheckpoint,
  ): Promise<number> {
    const lines = (await this.#upstream.entries(from, Math.min(MAX_ENTRIES_PAGE, to - from)))
      .slice(0, to - from);
    if (lines.length === 0) {
      throw new Error(
        `${this.#upstream.server} serves no entry at ${from}, below its checkpoint's size ${to}`,
      );
    }
    const entry = (index: number): Evidence => ({
      name: `served entry (${this.#upstream.server}/v1/log/entries, index ${index})`,
      text: lines[index - from]!,
    });
    const invalid = (index: number, e: unknown) => {
      const { code, message } = e as KezError;
      return this.#alarm(`its entry at index ${index} is invalid: ${code}: ${message}`, [
        ...checked.evidence,
        entry(index),
        ...this.#more(log),
      ]);
    };
    const events: ChainEvent[] = [];
    for (const [i, line] of lines.entries()) {
      try {
        events.push(feedEvent(line));
      } catch (e) {
        if (e instanceof KezError) throw invalid(from + i, e);
        throw e;
      }
    }
    // Every append is settled before any verdict, so that none is in flight after a stop.
    const results = await Promise.allSettled(this.#store.appendInOrder(events));
    for (const [i, result] of results.entries()) {
      const index = from + i;
      if (result.status === "rejected") {
        const e = result.reason;
        if (e instanceof KezError && !LOCAL_FAILURES.includes(e.code)) throw invalid(index, e);
        throw e;
      }
      if (result.value.index !== index) {
        throw this.#alarm(
          `its entry at index ${index} went to index ${result.value.index} of the mirror's log`,
          [...checked.evidence, entry(index), ...this.#more(log)],
        );
      }
    }
    return from + lines.length;
  }

  /** The mirror's tree at the checkpoint's size must have the checkpoint's root. */
  async #compareRoots(log: TrustedLog, checked: CheckedCheckpoint): Promise<void> {
    const { checkpoint } = checked.served;
    const own = this.#log.checkpoint();
    let same: boolean;
    if (own.size === checkpoint.size) {
      same = equalBytes(own.root, checkpoint.root);
    } else if (checkpoint.size === 0) {
      same = equalBytes(emptyRoot(), checkpoint.root);
    } else {
      // The mirror is ahead (its pin was lost): its own proof ties the root at that size to its own.
      const proof = await this.#log.consistencyProof(checkpoint.size, own.size);
      same = verifyConsistency(checkpoint.size, own.size, checkpoint.root, own.root, proof);
    }
    if (!same) {
      const ours = own.size === checkpoint.size ? encodeBase64(own.root) : "another root";
      throw this.#alarm(
        `root at size ${checkpoint.size} differs: it signed ${
          encodeBase64(checkpoint.root)
        }, the mirror's tree has ${ours}`,
        [...checked.evidence, ...this.#more(log)],
      );
    }
  }

  /** What every alarm of the mirror carries after the upstream's material: the key, its own checkpoint. */
  #more(log: Pick<TrustedLog, "key">): Evidence[] {
    return [
      { name: "pinned log key of the upstream", text: formatVerifierKey(log.key) },
      { name: "mirror checkpoint (the latest of this server)", text: this.#log.checkpoint().note },
    ];
  }

  #alarm(failure: string, evidence: readonly Evidence[]): LogAlarm {
    const { server } = this.#upstream;
    return new LogAlarm(server, `Cannot follow upstream ${server}: ${failure}`, evidence);
  }
}
