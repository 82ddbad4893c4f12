/**
 * Signature verification on worker threads, fed in batches, so that the
 * thread serving HTTP spends its time on HTTP.
 *
 * @module
 */

import { workerModuleExists } from "../runtime/mod.ts";
import {
  type VerifyBatch,
  type VerifyJob,
  verifyJob,
  type VerifyResults,
} from "./verify_worker.ts";

/** Most signatures sent to a worker in one message. */
const MAX_BATCH = 64;

interface Waiting {
  readonly job: VerifyJob;
  readonly resolve: (valid: boolean) => void;
}

interface Slot {
  readonly worker: Worker;
  jobs: Waiting[] | null;
}

/**
 * A pool of verification workers. A worker that is free takes every waiting
 * signature (up to a batch); under load, batches fill while workers are busy,
 * which is where a pool gains: one message per signature would cost most of
 * what the second core brings. Where workers cannot start (a single-file
 * bundle has no worker module), signatures are verified in place.
 *
 * @example
 * ```ts
 * import { schnorr } from "@noble/curves/secp256k1.js";
 * import { VerifyPool } from "./verify_pool.ts";
 * const pool = new VerifyPool(1);
 * const { secretKey, publicKey } = schnorr.keygen();
 * const msg = new Uint8Array(32);
 * const valid = await pool.verify(["bip340", publicKey, msg, schnorr.sign(msg, secretKey)]);
 * pool.close();
 * if (!valid) throw new Error("valid");
 * ```
 */
export class VerifyPool {
  #slots: Slot[] = [];
  #waiting: Waiting[] = [];
  /** The workers yet to start: they start at the first signature, so a server no BIP-340 key posts to holds no isolate for them. */
  #pending: { url: URL; size: number } | null = null;

  /**
   * @param size how many workers; the number of cores by default
   */
  constructor(size: number = navigator.hardwareConcurrency) {
    const url = new URL("./verify_worker.ts", import.meta.url);
    if (size > 0 && workerModuleExists(url)) this.#pending = { url, size };
  }

  #start(): void {
    const { url, size } = this.#pending!;
    this.#pending = null;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { type: "module" });
      const slot: Slot = { worker, jobs: null };
      worker.onmessage = (e: MessageEvent<VerifyResults>) => this.#done(slot, e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        this.#lose(slot);
      };
      this.#slots.push(slot);
    }
  }

  /** How many workers are running: none before the first signature. */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * Verifies one signature.
   *
   * @param job the algorithm, key, signed bytes and signature
   * @returns true when valid
   */
  verify(job: VerifyJob): Promise<boolean> {
    if (this.#pending !== null) this.#start();
    if (this.#slots.length === 0) return Promise.resolve(verifyJob(job));
    return new Promise((resolve) => {
      this.#waiting.push({ job, resolve });
      const free = this.#slots.find((s) => s.jobs === null);
      if (free !== undefined) this.#send(free);
    });
  }

  #send(slot: Slot): void {
    const jobs = this.#waiting.splice(0, MAX_BATCH);
    if (jobs.length === 0) return;
    slot.jobs = jobs;
    slot.worker.postMessage({ items: jobs.map((j) => j.job) } satisfies VerifyBatch);
  }

  #done(slot: Slot, { results }: VerifyResults): void {
    const jobs = slot.jobs ?? [];
    slot.jobs = null;
    jobs.forEach((w, i) => w.resolve(results[i] === 1));
    this.#send(slot);
  }

  /** A worker failed or is stopped: what it held, and all else once none is left, runs in place. */
  #lose(slot: Slot): void {
    slot.worker.terminate();
    this.#slots = this.#slots.filter((s) => s !== slot);
    const orphans = slot.jobs ?? [];
    slot.jobs = null;
    if (this.#slots.length === 0) orphans.push(...this.#waiting.splice(0));
    for (const { job, resolve } of orphans) resolve(verifyJob(job));
  }

  /** Stops the workers; what they held, and later verifications, run in place. */
  close(): void {
    this.#pending = null;
    while (this.#slots.length > 0) this.#lose(this.#slots[0]!);
  }
}
