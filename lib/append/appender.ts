/**
 * The appender: every append of the server goes through it, a POST's and a
 * mirror's alike. It checks signatures concurrently, queues the appends,
 * checks each batch in §5's order against the store's tips, hands the
 * accepted events to the store as one commit (group commit: one fsync for
 * the batch), and answers each append once its batch is durable.
 *
 * @module
 */

import {
  type ChainEvent,
  type Envelope,
  type SignatureVerdict,
  verifyEventSignatureAsync,
} from "../protocol/mod.ts";
import type { AppendResult, Store, TransparencyLog } from "../store/mod.ts";
import { type BatchEntry, checkBatch } from "./check_batch.ts";

/** Checks an envelope's signature (§4): null when valid, else the error to answer. */
export type SignatureCheck = (envelope: Envelope) => Promise<SignatureVerdict>;

/** Options of the {@linkcode Appender}. */
export interface AppenderOptions {
  /**
   * How signatures are checked: the server passes its worker pool's
   * (`SignatureVerifier.check` of `lib/verify`); WebCrypto for Ed25519, in
   * place, by default.
   */
  readonly checkSignature?: SignatureCheck;
}

/** An append waiting for its batch, and how to answer it. */
interface Pending extends BatchEntry {
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Most appends in one batch. */
const MAX_BATCH = 512;
/** Longest an append waits for others to join its batch, in milliseconds. */
const MAX_WAIT_MS = 2;

function refuse(pending: Pending, error: unknown): void {
  pending.reject(error);
}

/**
 * Appends events to a {@linkcode Store}, in batches.
 *
 * Signatures are checked before an append joins the queue, so that they are
 * verified concurrently (on the verifier's workers); the verdict counts only
 * in its place in §5's order. One batch is committed at a time: appends that
 * arrive meanwhile form the next one, which goes as soon as the commit ends.
 * Each append resolves only once its batch is durable, and the store's log
 * holds it under a signed checkpoint.
 *
 * @example
 * ```ts
 * import { Appender } from "./appender.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const appender = new Appender(store);
 * const alg = "ed25519-sha512-jcs";
 * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
 * const { seq, hash } = await appender.append(event);
 * if (seq !== 0 || hash !== event.hash) throw new Error("stored");
 * const again = await appender.append(event).catch((e) => e.code);
 * if (again !== "conflict") throw new Error("an event already stored is a conflict");
 * await appender.close();
 * await store.close();
 * ```
 */
export class Appender implements AsyncDisposable {
  readonly #store: Store;
  readonly #checkSignature: SignatureCheck;
  #queue: Pending[] = [];
  /** Calls whose signatures are being checked: their appends join the queue soon. */
  #verifying = 0;
  /** Calls not yet in the queue, for close to wait for. */
  #entering = new Set<Promise<void>>();
  #flushNow = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The batch in flight, until its appends are answered. */
  #committing: Promise<void> | null = null;

  /**
   * @param store where the events go
   * @param options how signatures are checked
   */
  constructor(store: Store, options: AppenderOptions = {}) {
    this.#store = store;
    this.#checkSignature = options.checkSignature ?? verifyEventSignatureAsync;
  }

  /** The transparency log that the store's commits extend, when it keeps one. */
  get log(): TransparencyLog | undefined {
    return this.#store.log;
  }

  /**
   * Appends one event after checks 6–9 of §5 against the stored chain.
   *
   * @param event a structurally valid event whose primary was checked (checks 1–5)
   * @returns the stored seq and hash, and its log index when the store keeps a log
   * @throws {KezError} `conflict`, `invalid_signature`, `invalid_op` from the checks;
   *   `unavailable` when the store cannot take writes right now
   */
  async append(event: ChainEvent): Promise<AppendResult> {
    return await this.appendInOrder([event])[0]!;
  }

  /**
   * Appends events in exactly the given order: their signatures are checked
   * concurrently, then they join the queue together, in order, so that they
   * are checked and stored (and enter the log) in that order. Once one is
   * refused, every later one is refused too (`conflict`), so what is stored
   * is always a prefix of the run. A mirror replays another log this way;
   * `append` of many events at once may store them in any order.
   *
   * @param events the events, in the order to store them
   * @returns one result per event, each settling as {@linkcode Appender.append}'s would
   *
   * @example
   * ```ts
   * import { Appender } from "./appender.ts";
   * import { SqliteStore } from "../store/mod.ts";
   * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
   * const store = SqliteStore.open(":memory:");
   * const appender = new Appender(store);
   * const alg = "ed25519-sha512-jcs";
   * const key = { alg, secret: generateSecret(alg) } as const;
   * const first = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "revoke", subject: "github:a" }, key));
   * const other = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
   * const outcomes = await Promise.allSettled(appender.appendInOrder([first, other]));
   * if (outcomes.some((o) => o.status !== "rejected")) throw new Error("the run stops at its first refusal");
   * await store.close();
   * ```
   */
  appendInOrder(events: readonly ChainEvent[]): Promise<AppendResult>[] {
    const waiting = events.map(() => Promise.withResolvers<AppendResult>());
    const enqueue = async () => {
      let verdicts: SignatureVerdict[];
      this.#verifying++;
      try {
        verdicts = await Promise.all(events.map((e) => this.#checkSignature(e.envelope)));
      } catch (e) {
        for (const w of waiting) w.reject(e);
        return;
      } finally {
        this.#verifying--;
      }
      const loading = this.#store.preload(events);
      if (loading !== null) await loading;
      const run = { refused: false };
      events.forEach((event, i) => {
        const { resolve, reject } = waiting[i]!;
        this.#queue.push({ event, signature: verdicts[i]!, run, resolve, reject });
      });
      this.#scheduleFlush();
    };
    const entering = enqueue();
    this.#entering.add(entering);
    void entering.finally(() => this.#entering.delete(entering));
    return waiting.map((w) => w.promise);
  }

  /**
   * Commits soon. While a batch is in flight, its end takes what queued
   * meanwhile. Otherwise the store is idle: the batch waits for the appends
   * being verified right now to join the queue, so that one fsync serves them
   * all; a short timer bounds the wait under a steady stream.
   */
  #scheduleFlush(): void {
    if (this.#committing !== null) return;
    const ready = this.#verifying === 0 || this.#queue.length >= MAX_BATCH;
    if (ready && !this.#flushNow) {
      this.#flushNow = true;
      setTimeout(() => this.#flush(), 0);
    } else if (!ready && this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => this.#flush(), MAX_WAIT_MS);
    }
  }

  /**
   * Offers every queued append to the store as one batch, which checks them
   * in order against the committed chains while it holds them, then answers
   * each. A refused append is answered at once; the accepted ones once the
   * batch is durable, or with the store's error when it failed whole.
   */
  #flush(): void {
    this.#flushNow = false;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#committing !== null || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    let accepted: Pending[] = [];
    const committed = this.#store.commit({
      events: batch.map((p) => p.event),
      decide: (tipOf) => {
        accepted = checkBatch(batch, tipOf, refuse);
        return accepted.map((p) => p.event);
      },
    });
    this.#committing = committed.then(
      (results) => results.forEach((result, i) => accepted[i]!.resolve(result)),
      // Those refused by the checks are settled already: the rest get the store's error.
      (error) => batch.forEach((p) => p.reject(error)),
    ).then(() => {
      this.#committing = null;
      // What queued during this commit goes now, as one batch: waiting for
      // appends still being verified would leave the store idle.
      if (this.#queue.length > 0) this.#flush();
    });
  }

  /**
   * Answers every append made so far: waits for their signatures, commits
   * what is queued, and returns once no batch is in flight. Stop the callers
   * first (the HTTP server, a mirror's follower); the store closes after.
   *
   * @example
   * ```ts
   * import { Appender } from "./appender.ts";
   * import { SqliteStore } from "../store/mod.ts";
   * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
   * const store = SqliteStore.open(":memory:");
   * const appender = new Appender(store);
   * const alg = "ed25519-sha512-jcs";
   * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
   * const stored = appender.append(event);
   * await appender.close();
   * await store.close();
   * if ((await stored).seq !== 0) throw new Error("answered before the store closed");
   * ```
   */
  async close(): Promise<void> {
    while (this.#entering.size > 0) await Promise.all(this.#entering);
    this.#flush();
    while (this.#committing !== null) await this.#committing;
  }

  /** Closes, as {@linkcode Appender.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
