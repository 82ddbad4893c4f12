/**
 * Building the transparency log of a file that lacks it, or lacks part of it
 * (rows the original server wrote): a chunk of events per transaction.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { LogWriter, SignedCheckpoint } from "./log_writer.ts";

/** Leaves added per transaction while building the log of an existing file. */
const BUILD_CHUNK = 5_000;

/**
 * Adds to the log every stored event it does not hold yet (all of them, for a
 * file the original server wrote), a chunk per transaction so that a large
 * file makes progress that survives a stop, yielding after each chunk; the
 * last step signs the current tree.
 *
 * @param db a connection to a database with the log's tables
 * @param log the log's writer on that connection
 * @param onProgress told the leaves added so far, of how many
 * @returns the steps; the last returns the checkpoint of the built log
 * @throws {Error} as {@linkcode LogWriter.extend}
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { buildSteps } from "./log_build.ts";
 * import { LogWriter } from "./log_writer.ts";
 * import { LOG_SCHEMA, ORIGINAL_SCHEMA } from "./schema.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(ORIGINAL_SCHEMA + LOG_SCHEMA);
 * db.prepare("INSERT INTO sigchain_events VALUES ('ed25519', 'ab', 0, '{}', 'sha256:x', 't')").run();
 * const steps = buildSteps(db, new LogWriter(db, { origin: "example.com/log", seed: new Uint8Array(32) }));
 * let step = steps.next();
 * while (!step.done) step = steps.next();
 * if (step.value.size !== 1) throw new Error("one leaf");
 * ```
 */
export function* buildSteps(
  db: DatabaseSync,
  log: LogWriter,
  onProgress?: (done: number, total: number) => void,
): Generator<void, SignedCheckpoint> {
  const pending = db.prepare(
    `SELECT count(*) AS n FROM sigchain_events
     WHERE rowid > coalesce((SELECT last_event_rowid FROM kez_log_state WHERE id = 1), 0)`,
  );
  const total = (pending.get() as { n: number }).n;
  let done = 0;
  for (;;) {
    db.exec("BEGIN IMMEDIATE");
    let added: number;
    let checkpoint: SignedCheckpoint;
    try {
      ({ added, checkpoint } = log.extend(BUILD_CHUNK));
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    done += added;
    if (added > 0) onProgress?.(done, total);
    if (added < BUILD_CHUNK) return checkpoint;
    yield;
  }
}

/**
 * Runs the build to its end in one go.
 *
 * @param db a connection to a database with the log's tables
 * @param log the log's writer on that connection
 * @param onProgress told the leaves added so far, of how many
 * @returns the checkpoint of the built log
 * @throws {Error} as {@linkcode LogWriter.extend}
 */
export function buildLog(
  db: DatabaseSync,
  log: LogWriter,
  onProgress?: (done: number, total: number) => void,
): SignedCheckpoint {
  const steps = buildSteps(db, log, onProgress);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
