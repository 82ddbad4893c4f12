/**
 * A client's witness policy (c2sp.org/tlog-policy): with one, only a
 * checkpoint that its witnesses' quorum cosigned is trusted, and a chain's
 * head must be proven included in such a checkpoint. A server whose
 * witnessed checkpoint does not meet the quorum (yet) is an error naming
 * the witnesses that did sign; one whose witnessed checkpoint is not a view
 * of the tree kept is an alarm, as any checkpoint is.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";
import {
  type Checkpoint,
  formatVerifierKey,
  leafHash,
  openWitnessedCheckpoint,
  parsePolicy,
  type Policy,
  TlogError,
  type VerifierKey,
  verifyInclusion,
  type WitnessSignature,
} from "../tlog/mod.ts";
import type { CheckpointChecker, TrustedLog, VerifiedCheckpoint } from "./checkpoint_checker.ts";
import { LogAlarm } from "./log_alarm.ts";

/** How long a client waits, by default, for a witnessed checkpoint to cover an event. */
export const WITNESS_WAIT_MS = 30_000;
/** How often it asks again while it waits. */
const RETRY_MS = 500;

/** A witnessed checkpoint that met the quorum and was kept. */
export interface WitnessedView {
  /** The note as served, cosignatures included. */
  readonly note: string;
  /** Its tree head. */
  readonly checkpoint: Checkpoint;
  /** The policy's witnesses that cosigned it. */
  readonly cosigners: readonly WitnessSignature[];
  /** The largest checkpoint kept after it: itself, or a larger one verified before. */
  readonly kept: VerifiedCheckpoint;
}

/** How long to wait and what time it is. */
export interface QuorumOptions {
  /** The longest wait for a witnessed checkpoint large enough. */
  readonly waitMs: number;
  /** The POSIX time in seconds. */
  readonly now: () => number;
}

/**
 * Parses a policy kept for a server, and checks it names the server's log
 * key when it names logs at all.
 *
 * @param text the policy file's text
 * @param key the server's trusted log key
 * @param server the server, for messages
 * @returns the policy
 * @throws {KezError} `internal` when the policy is malformed or names other logs only
 *
 * @example
 * ```ts
 * import { policyFor } from "./witness_quorum.ts";
 * import { parseVerifierKey } from "../tlog/mod.ts";
 * const key = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
 * if (policyFor("quorum none\n", key, "http://x").quorum !== null) throw new Error("unexpected");
 * ```
 */
export function policyFor(text: string, key: VerifierKey, server: string): Policy {
  let policy: Policy;
  try {
    policy = parsePolicy(text);
  } catch (cause) {
    throw new KezError("internal", `Cannot use the witness policy of ${server}: ${reason(cause)}`, {
      cause,
    });
  }
  const vkey = formatVerifierKey(key);
  if (policy.logs.length > 0 && !policy.logs.some((l) => formatVerifierKey(l.key) === vkey)) {
    throw new KezError(
      "internal",
      `Cannot use the witness policy of ${server}: its log lines do not name the log key ${vkey}`,
    );
  }
  return policy;
}

/**
 * Gets the server's witnessed checkpoint, checks it as any checkpoint (the
 * log's signature, consistency with the kept one), checks its quorum, and
 * keeps it; waits, asking again, while it is smaller than `minSize`.
 *
 * @param log the server's log, with its policy
 * @param policy the policy
 * @param checker the client's one checkpoint checker
 * @param minSize the least tree size wanted (an event's index plus one), 0 for any
 * @param options how long to wait, and the clock
 * @returns the witnessed checkpoint
 * @throws {LogAlarm} when it fails a check of any checkpoint
 * @throws {KezError} `unavailable` when it does not meet the quorum, or is too small when
 *   the wait is over; the server's failures to answer
 */
export async function witnessedView(
  log: TrustedLog,
  policy: Policy,
  checker: CheckpointChecker,
  minSize: number,
  options: QuorumOptions,
): Promise<WitnessedView> {
  const { server } = log.api;
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const note = await log.api.witnessedCheckpoint();
    if (note === null) {
      throw new KezError(
        "unavailable",
        `Cannot verify checkpoint of ${server}: it serves no witnessed checkpoint ` +
          "(404 on /v1/log/checkpoint/witnessed), and the policy requires one",
      );
    }
    const served = { name: `served witnessed checkpoint (${server})`, text: note };
    const checked = await checker.check(log, served);
    let cosigners;
    try {
      cosigners = openWitnessedCheckpoint(note, log.key, policy, options.now()).cosigners;
    } catch (e) {
      if (!(e instanceof TlogError)) throw e;
      throw new KezError("unavailable", `Cannot verify checkpoint of ${server}: ${e.message}`);
    }
    await checker.keep(log, checked);
    const { checkpoint } = checked.served;
    if (checkpoint.size >= minSize) return { note, checkpoint, cosigners, kept: checked.larger };
    if (Date.now() >= deadline) {
      throw new KezError(
        "unavailable",
        `Cannot verify inclusion in the log of ${server}: its witnessed checkpoint ` +
          `(size ${checkpoint.size}) does not include index ${minSize - 1} after ` +
          `${options.waitMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * Checks that a leaf is in a witnessed checkpoint's tree, by the server's inclusion proof.
 *
 * @param log the server's log
 * @param view the witnessed checkpoint
 * @param index the leaf's index, below the checkpoint's size
 * @param line the leaf's data, the event's canonical line
 * @param what the event, for messages
 * @throws {LogAlarm} when the proof does not lead to the witnessed root
 */
export async function proveWitnessed(
  log: TrustedLog,
  view: WitnessedView,
  index: number,
  line: string,
  what: string,
): Promise<void> {
  const { size, root } = view.checkpoint;
  const path = await log.api.inclusion(index, size);
  if (!verifyInclusion(leafHash(new TextEncoder().encode(line)), index, size, path, root)) {
    throw new LogAlarm(
      log.api.server,
      `Cannot verify inclusion of ${what} in the witnessed checkpoint of ${log.api.server} ` +
        `(size ${size}): the inclusion proof does not lead to its root`,
      [
        { name: "served witnessed checkpoint", text: view.note },
        { name: `served event (${what})`, text: line },
      ],
    );
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
