/**
 * The checks of one batch: every append in queue order, against its chain's
 * committed tip and the batch's appends accepted before it, by spec §5's
 * order (checks 6–9, {@linkcode checkAppend}).
 *
 * @module
 */

import {
  type ChainEvent,
  type ChainTip,
  checkAppend,
  KezError,
  type SignatureVerdict,
} from "../protocol/mod.ts";
import { BatchTip } from "./batch_tip.ts";

/**
 * The events of one `appendInOrder` call: once one is refused, every later
 * one is too, so that what is stored is always a prefix of the run.
 */
export interface Run {
  /** Whether an event of the run was refused. */
  refused: boolean;
}

/** An append as a batch checks it. */
export interface BatchEntry {
  /** The event, structurally valid and for its path's primary (checks 1–5). */
  readonly event: ChainEvent;
  /** The verdict of check 8, reached before the batch, counted in its place. */
  readonly signature: SignatureVerdict;
  /** The run it belongs to, when it was appended in order with others. */
  readonly run?: Run;
}

/**
 * Checks a batch's entries in order. Each chain's tip is asked of `tipOf`
 * once, then grows by the entries accepted; a refused entry is handed to
 * `refuse` at once, and refuses the rest of its run.
 *
 * @param entries the batch, in queue order
 * @param tipOf the committed tip of a chain, by canonical primary
 * @param refuse told of each refused entry with its error, in order
 * @returns the accepted entries, in order
 * @throws {Error} what `tipOf` throws: a chain that cannot be read fails the whole batch
 *
 * @example
 * ```ts
 * import { checkBatch } from "./check_batch.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const first = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "a:b" }, key));
 * const again = toChainEvent(signEvent({ seq: 1, prev: first.hash, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "a:b" }, key));
 * const empty = { length: 0, head: null, isActive: () => false };
 * const refused: string[] = [];
 * const accepted = checkBatch(
 *   [{ event: first, signature: null }, { event: again, signature: null }],
 *   () => empty,
 *   (_, e) => refused.push(e instanceof Error ? e.message : String(e)),
 * );
 * if (accepted.length !== 1 || refused[0] !== "Cannot add a:b: it is already active") throw new Error(String(refused));
 * ```
 */
export function checkBatch<T extends BatchEntry>(
  entries: readonly T[],
  tipOf: (primary: string) => ChainTip,
  refuse: (entry: T, error: unknown) => void,
): T[] {
  const accepted: T[] = [];
  const tips = new Map<string, BatchTip>();
  for (const entry of entries) {
    const { envelope } = entry.event;
    const primary = envelope.payload.primary;
    let tip = tips.get(primary);
    if (tip === undefined) {
      tip = new BatchTip(tipOf(primary));
      tips.set(primary, tip);
    }
    try {
      if (entry.run?.refused) {
        throw new KezError(
          "conflict",
          "Cannot append event: an earlier event of its run was refused",
        );
      }
      checkAppend(tip, envelope, entry.signature);
    } catch (e) {
      if (entry.run !== undefined) entry.run.refused = true;
      refuse(entry, e);
      continue;
    }
    tip.push(entry.event);
    accepted.push(entry);
  }
  return accepted;
}
