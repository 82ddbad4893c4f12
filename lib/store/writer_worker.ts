/**
 * Worker entry of {@linkcode ThreadWriter}: its own connection to the
 * database, writing each batch it is sent and answering once it is fsynced.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { makeDurable } from "./durable_connection.ts";
import {
  type BatchLog,
  type ChainGuard,
  type EventRow,
  prepareBatch,
  writeBatch,
} from "./batch_writer.ts";
import { type LogSigner, LogWriter } from "./log_writer.ts";

/** The first message: which file, how long to wait for a lock, and the log's signer if any. */
export interface WriterOpen {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly log?: LogSigner;
}

/** A batch to write. */
export interface WriterBatch {
  readonly rows: readonly EventRow[];
  readonly guards: readonly ChainGuard[];
}

/** The last message: close the connection, then answer. */
export interface WriterClose {
  readonly close: true;
}

/** A batch's outcome as it crosses threads: errors travel as their message. */
export type WriterAnswer =
  | { readonly ok: true; readonly log?: BatchLog }
  | { readonly ok: false; readonly stale: true }
  | { readonly ok: false; readonly stale: false; readonly message: string };

/** The worker side of the messaging, as much of it as is used here. */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WriterOpen | WriterBatch | WriterClose>) => void) | null;
  postMessage(message: WriterAnswer): void;
};

// Only as a worker: this module has no effect when imported elsewhere.
if ("WorkerGlobalScope" in globalThis) {
  let writer: {
    db: DatabaseSync;
    statements: ReturnType<typeof prepareBatch>;
    log: LogWriter | undefined;
  } | undefined;
  scope.onmessage = (e) => {
    const message = e.data;
    if ("path" in message) {
      const db = new DatabaseSync(message.path);
      makeDurable(db, message.busyTimeoutMs);
      const log = message.log === undefined ? undefined : new LogWriter(db, message.log);
      writer = { db, statements: prepareBatch(db), log };
      return;
    }
    if ("close" in message) {
      writer?.db.close();
      scope.postMessage({ ok: true });
      return;
    }
    const outcome = writeBatch(
      writer!.db,
      writer!.statements,
      message.rows,
      message.guards,
      writer!.log,
    );
    scope.postMessage(
      outcome.ok || outcome.stale
        ? outcome
        : { ok: false, stale: false, message: outcome.error.message },
    );
  };
}
