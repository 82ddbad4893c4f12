/**
 * The mirror's loop: follow an upstream's transparency log, re-check every
 * entry through the store's own append path, and check the upstream's signed
 * checkpoints against the mirror's own tree (spec §10.4). Outages are waited
 * out; a lie stops the loop for good, with its evidence logged.
 *
 * @module
 */

import { LogApi, MAX_ENTRIES_PAGE } from "../client/mod.ts";
import type { Logger } from "../log/mod.ts";
import { type ChainEvent, equalBytes, KezError } from "../protocol/mod.ts";
import type { AppendResult, TransparencyLog } from "../store/mod.ts";
import {
  type Checkpoint,
  emptyRoot,
  encodeBase64,
  openCheckpoint,
  TlogError,
  verifyConsistency,
} from "../tlog/mod.ts";
import { type EvidenceDetails, MirrorEvidence } from "./evidence.ts";
import { feedEvent } from "./feed_event.ts";

import type { KeptCheckpoint, UpstreamPin } from "./upstream_pin.ts";

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
  /** The pinned upstream key and the kept checkpoint. */
  readonly pin: UpstreamPin;
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
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "mirror.example/log", seed: new Uint8Array(32) } });
 * const follower = Follower.start({
 *   store,
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
  readonly #pin: UpstreamPin;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #maxBackoffMs: number;
  readonly #stop = new AbortController();
  #halted: MirrorEvidence | null = null;
  #keyChecked = false;
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

  /** The evidence the follower stopped on, or null while it follows (or was stopped). */
  get halted(): MirrorEvidence | null {
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
        if (e instanceof MirrorEvidence) {
          this.#halted = e;
          this.#logger.error(e.report());
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
    await this.#checkKey();
    const note = await this.#upstream.checkpoint();
    if (note === null) throw this.#noLog("/v1/log/checkpoint");
    const kept = this.#pin.kept;
    if (note === kept?.note && this.#log.checkpoint().size === kept.size) return true;
    const checkpoint = this.#open(note);
    await this.#checkConsistent(kept, checkpoint, note);
    const start = this.#log.checkpoint().size;
    let size = start;
    let reported = performance.now();
    while (size < checkpoint.size) {
      size = await this.#copy(size, checkpoint.size, note);
      if (size < checkpoint.size && performance.now() - reported >= PROGRESS_MS) {
        reported = performance.now();
        this.#logger.info(
          `catching up with ${this.#upstream.server}: ${size} of ${checkpoint.size}`,
        );
      }
    }
    await this.#compareRoots(checkpoint, note);
    await this.#pin.keep(note);
    if (size > start) {
      this.#logger.info(
        `mirrored ${
          size - start
        } entries of ${this.#upstream.server}: at size ${size}, roots equal`,
      );
    }
    return size === start;
  }

  /** Pins the upstream's key on first contact; refuses a key other than the pinned one. */
  async #checkKey(): Promise<void> {
    if (this.#keyChecked) return;
    const served = await this.#upstream.key();
    if (served === null) throw this.#noLog("/v1/log/key");
    const pinned = this.#pin.keyText;
    if (pinned === null) {
      try {
        await this.#pin.pinKey(served);
      } catch (e) {
        if (e instanceof SyntaxError) {
          throw new Error(`Cannot read the key of ${this.#upstream.server}: ${e.message}`);
        }
        throw e;
      }
      this.#logger.info(`pinned the log key of ${this.#upstream.server} on first use: ${served}`);
    } else if (served !== pinned) {
      throw this.#evidence(`its log key ${served} is not the pinned key ${pinned}`, {});
    }
    this.#keyChecked = true;
  }

  /** An upstream that answers 404 on a log route: down or misconfigured, so retried. */
  #noLog(route: string): Error {
    return new Error(`${this.#upstream.server} serves no transparency log (404 on ${route})`);
  }

  /** The checkpoint, verified with the pinned key: a bad signature is evidence. */
  #open(note: string): Checkpoint {
    try {
      return openCheckpoint(note, this.#pin.key!);
    } catch (e) {
      if (e instanceof TlogError) {
        throw this.#evidence(`its checkpoint does not verify: ${e.message}`, {
          upstreamCheckpoint: note,
        });
      }
      throw new Error(
        `Cannot read the checkpoint of ${this.#upstream.server}: ${(e as Error).message}`,
      );
    }
  }

  /** The new checkpoint must extend the largest one verified before (spec §10.4). */
  async #checkConsistent(
    kept: KeptCheckpoint | null,
    checkpoint: Checkpoint,
    note: string,
  ): Promise<void> {
    if (kept === null) return;
    const material = { upstreamCheckpoint: note, earlierCheckpoint: kept.note };
    if (checkpoint.size < kept.size) {
      throw this.#evidence(
        `its checkpoint at size ${checkpoint.size} is older than one it signed at size ${kept.size}`,
        material,
      );
    }
    if (checkpoint.size === kept.size || kept.size === 0) {
      if (checkpoint.size === kept.size && !equalBytes(checkpoint.root, kept.root)) {
        throw this.#evidence(`it signed two roots at size ${kept.size}`, material);
      }
      return;
    }
    const proof = await this.#upstream.consistency(kept.size, checkpoint.size);
    if (!verifyConsistency(kept.size, checkpoint.size, kept.root, checkpoint.root, proof)) {
      throw this.#evidence(
        `its checkpoint at size ${checkpoint.size} is not consistent with the one at size ${kept.size}`,
        material,
      );
    }
  }

  /**
   * Copies one page of entries, from the mirror's size towards `to`.
   *
   * @returns the mirror's size after it
   */
  async #copy(from: number, to: number, note: string): Promise<number> {
    const lines = (await this.#upstream.entries(from, Math.min(MAX_ENTRIES_PAGE, to - from)))
      .slice(0, to - from);
    if (lines.length === 0) {
      throw new Error(
        `${this.#upstream.server} serves no entry at ${from}, below its checkpoint's size ${to}`,
      );
    }
    const invalid = (index: number, e: unknown) => {
      const { code, message } = e as KezError;
      return this.#evidence(`its entry at index ${index} is invalid: ${code}: ${message}`, {
        index,
        line: lines[index - from],
        upstreamCheckpoint: note,
      });
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
        throw this.#evidence(
          `its entry at index ${index} went to index ${result.value.index} of the mirror's log`,
          { index, line: lines[i], upstreamCheckpoint: note },
        );
      }
    }
    return from + lines.length;
  }

  /** The mirror's tree at the checkpoint's size must have the checkpoint's root. */
  async #compareRoots(checkpoint: Checkpoint, note: string): Promise<void> {
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
      throw this.#evidence(
        `root at size ${checkpoint.size} differs: it signed ${
          encodeBase64(checkpoint.root)
        }, the mirror's tree has ${ours}`,
        { upstreamCheckpoint: note },
      );
    }
  }

  #evidence(failure: string, details: Omit<EvidenceDetails, "upstream">): MirrorEvidence {
    return new MirrorEvidence(failure, {
      upstream: this.#upstream.server,
      key: this.#pin.keyText ?? undefined,
      earlierCheckpoint: this.#pin.kept?.note,
      mirrorCheckpoint: this.#log.checkpoint().note,
      ...details,
    });
  }
}
