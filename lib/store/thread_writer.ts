/**
 * Writing batches on a thread of their own, so that the thread serving HTTP
 * goes on serving while a commit waits for its fsync.
 *
 * @module
 */

import { workerModuleExists } from "../runtime/mod.ts";
import type { BatchOutcome, BatchWriter, ChainGuard, EventRow } from "./batch_writer.ts";
import type { LogSigner } from "./log_writer.ts";
import type { WriterAnswer, WriterBatch, WriterClose, WriterOpen } from "./writer_worker.ts";

const MODULE = new URL("./writer_worker.ts", import.meta.url);

/**
 * A writer thread with its own connection to the file. One batch is in
 * flight at a time; answers come back in order.
 *
 * @example
 * ```ts
 * import { ThreadWriter } from "./thread_writer.ts";
 * import { SqliteStore } from "./sqlite_store.ts";
 * const dir = await Deno.makeTempDir();
 * await (SqliteStore.open(`${dir}/a.db`)).close();
 * const writer = ThreadWriter.start(`${dir}/a.db`, 1000);
 * if (writer === null) throw new Error("the worker module is here");
 * const outcome = await writer.write([["ed25519", "ab", 0, "{}", "sha256:x", "t"]], [["ed25519", "ab", 0]]);
 * await writer.close();
 * await Deno.remove(dir, { recursive: true });
 * if (!outcome.ok) throw new Error("written");
 * ```
 */
export class ThreadWriter implements BatchWriter {
  #worker: Worker;
  #waiting: ((outcome: BatchOutcome) => void)[] = [];
  #lost: Error | null = null;
  #last: Promise<BatchOutcome> = Promise.resolve({ ok: true });

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<WriterAnswer>) => {
      const answer = e.data;
      this.#waiting.shift()?.(
        answer.ok || answer.stale
          ? answer
          : { ok: false, stale: false, error: sqliteError(answer.message) },
      );
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this.#lost = new Error(`writer thread failed: ${e.message}`);
      for (const resolve of this.#waiting.splice(0)) {
        resolve({ ok: false, stale: false, error: this.#lost });
      }
    };
  }

  /**
   * Starts a writer thread on a database file.
   *
   * @param path the database file (already opened and migrated by the store)
   * @param busyTimeoutMs how long a write waits for another process's lock
   * @param log the transparency log's signer, when the store keeps a log
   * @returns the writer, or null where the worker module is not there (a single-file bundle)
   */
  static start(path: string, busyTimeoutMs: number, log?: LogSigner): ThreadWriter | null {
    if (!workerModuleExists(MODULE)) return null;
    const worker = new Worker(MODULE, { type: "module" });
    const open: WriterOpen = log === undefined
      ? { path, busyTimeoutMs }
      : { path, busyTimeoutMs, log };
    worker.postMessage(open);
    return new ThreadWriter(worker);
  }

  /** @inheritdoc */
  write(rows: readonly EventRow[], guards: readonly ChainGuard[]): Promise<BatchOutcome> {
    if (this.#lost !== null) return Promise.resolve({ ok: false, stale: false, error: this.#lost });
    this.#last = new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage({ rows, guards } satisfies WriterBatch);
    });
    return this.#last;
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    // Answers come in order: once the last batch's is in, and the connection
    // is closed, nothing is in flight.
    await this.#last;
    if (this.#lost === null) {
      await new Promise((resolve) => {
        this.#waiting.push(resolve);
        this.#worker.postMessage({ close: true } satisfies WriterClose);
      });
    }
    this.#worker.terminate();
  }
}

/** A SQLite error as `node:sqlite` throws it, rebuilt from its message. */
function sqliteError(message: string): Error {
  return Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR" });
}
