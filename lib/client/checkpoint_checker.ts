/**
 * The checkpoint checks of spec §10.4, one rule for `kez` and for the mirror:
 * a checkpoint a server serves must verify with the log's trusted key and be
 * a view of the same append-only tree as the largest checkpoint kept for that
 * log, which it replaces when larger. What a checkpoint smaller than the kept
 * one means is the caller's named policy.
 *
 * @module
 */

import { equalBytes, KezError } from "../protocol/mod.ts";
import {
  type Checkpoint,
  formatVerifierKey,
  openCheckpoint,
  type Policy,
  TlogError,
  type VerifierKey,
  verifyConsistency,
} from "../tlog/mod.ts";
import { type Evidence, keptCheckpointEvidence, LogAlarm } from "./log_alarm.ts";
import type { LogApi } from "./log_api.ts";
import type { LogStateStore } from "./log_state.ts";

/** A checkpoint whose signature has been checked, with its signed note verbatim. */
export interface VerifiedCheckpoint {
  /** The signed note, as served: evidence to keep or show. */
  readonly note: string;
  /** Its parsed, verified tree head. */
  readonly checkpoint: Checkpoint;
}

/**
 * What a served checkpoint smaller than the kept one means.
 *
 * - `"prove"`: nothing wrong when the server proves it a prefix of the kept
 *   one; the kept one stays. For clients, which may reach an honest log
 *   through a stale cache or a lagging replica.
 * - `"refuse"`: an alarm, without asking the server. For a mirror, which
 *   polls its one upstream directly: an honest server's latest checkpoint
 *   never shrinks (spec §10.2), so a smaller one is a rollback.
 */
export type SmallerCheckpointPolicy = "refuse" | "prove";

/** A server's log and the key it is checked with. */
export interface TrustedLog {
  /** The server's log routes, which prove consistency when asked. */
  readonly api: LogApi;
  /** The log's verifier key. */
  readonly key: VerifierKey;
  /** True when the user pinned the key, false when it was trusted on first use. */
  readonly pinned: boolean;
  /** The witness policy whose quorum its checkpoints must meet, if any. */
  readonly policy?: Policy;
}

/** A served checkpoint that passed the checks, and what to keep after it. */
export interface CheckedCheckpoint {
  /** The checkpoint the server serves. */
  readonly served: VerifiedCheckpoint;
  /** The largest checkpoint kept before the check, or null for the first. */
  readonly kept: VerifiedCheckpoint | null;
  /** The larger of the two: what {@linkcode CheckpointChecker.keep} keeps. */
  readonly larger: VerifiedCheckpoint;
  /** The kept and the served checkpoints as evidence, for an alarm of a later check. */
  readonly evidence: readonly Evidence[];
}

/** Options of a {@linkcode CheckpointChecker}. */
export interface CheckpointCheckerOptions {
  /** What a served checkpoint smaller than the kept one means. */
  readonly smaller: SmallerCheckpointPolicy;
}

/**
 * Checks served checkpoints against the ones kept in a
 * {@linkcode LogStateStore}. Checking and keeping are apart, so that a
 * caller can check more (a mirror: its own root) before it keeps.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { CheckpointChecker } from "./checkpoint_checker.ts";
 * import { LogApi } from "./log_api.ts";
 * import { MemoryLogState } from "./log_state.ts";
 * import { emptyRoot, leafHash, signCheckpoint, verifierKey } from "../tlog/mod.ts";
 * const seed = new Uint8Array(32).fill(7);
 * const log = {
 *   api: new LogApi("http://localhost:7878"),
 *   key: verifierKey("example.com/log", ed25519.getPublicKey(seed)),
 *   pinned: true,
 * };
 * const note = (size: number, root: Uint8Array) =>
 *   ({ name: "served checkpoint", text: signCheckpoint({ origin: "example.com/log", size, root }, seed) });
 * const checker = new CheckpointChecker(new MemoryLogState(), { smaller: "refuse" });
 * // From the empty tree no proof is asked for: every tree extends it.
 * await checker.keep(log, await checker.check(log, note(0, emptyRoot())));
 * const checked = await checker.check(log, note(1, leafHash(new Uint8Array([1]))));
 * await checker.keep(log, checked);
 * const smaller = await checker.check(log, note(0, emptyRoot())).catch((e) => e);
 * if (!smaller.message.endsWith("the served checkpoint of size 0 is smaller than the kept one of size 1")) {
 *   throw smaller;
 * }
 * ```
 */
export class CheckpointChecker {
  /** What a served checkpoint smaller than the kept one means. */
  readonly smaller: SmallerCheckpointPolicy;
  readonly #pins: LogStateStore;

  /**
   * @param pins where the trusted keys and the kept checkpoints live
   * @param options the policy for a smaller checkpoint
   */
  constructor(pins: LogStateStore, options: CheckpointCheckerOptions) {
    this.#pins = pins;
    this.smaller = options.smaller;
  }

  /**
   * Checks a served checkpoint: its signature with the log's key, then its
   * consistency with the kept one. Equal sizes must have equal roots; a
   * larger tree must be proven, by the server, to extend the kept one; a
   * smaller one is what the policy says. Keeps nothing.
   *
   * @param log the server's log and its trusted key
   * @param served the served checkpoint's name and signed note, verbatim
   * @param more evidence to add to an alarm, after the kept and the served checkpoints
   * @returns the served, the kept and the larger checkpoint
   * @throws {LogAlarm} when the kept or the served checkpoint does not verify,
   *   or the two cannot be views of one append-only tree
   * @throws {KezError} `unavailable` or `internal` when a consistency proof
   *   cannot be had (an outage, not evidence)
   */
  async check(
    log: TrustedLog,
    served: Evidence,
    more: readonly Evidence[] = [],
  ): Promise<CheckedCheckpoint> {
    const { server } = log.api;
    const keptNote = await this.#pins.readCheckpoint(log.key);
    const evidence = [keptCheckpointEvidence(keptNote), served];
    const alarm = (why: string, cause?: unknown) =>
      new LogAlarm(server, `Cannot verify checkpoint of ${server}: ${why}`, [
        ...evidence,
        ...more,
      ], { cause });
    let kept: VerifiedCheckpoint | null = null;
    if (keptNote !== null) {
      try {
        kept = { note: keptNote, checkpoint: openCheckpoint(keptNote, log.key) };
      } catch (e) {
        throw alarm(`the kept checkpoint does not verify with the log key: ${reason(e)}`, e);
      }
    }
    let checkpoint;
    try {
      checkpoint = openCheckpoint(served.text, log.key);
    } catch (e) {
      const trust = log.pinned ? "pinned" : "trusted (on first use)";
      throw alarm(
        `it does not verify with the ${trust} log key ${formatVerifierKey(log.key)}: ${reason(e)}`,
        e,
      );
    }
    const verified = { note: served.text, checkpoint };
    let larger;
    try {
      larger = await this.#larger(kept, verified, log.api);
    } catch (e) {
      if (e instanceof TlogError) throw alarm(e.message, e);
      throw e;
    }
    return { served: verified, kept, larger, evidence };
  }

  /**
   * Keeps the larger checkpoint of a check, when it is not the one kept already.
   *
   * @param log the log checked
   * @param checked what {@linkcode check} returned for it
   * @throws {Error} whatever the store throws when it cannot write
   */
  async keep(log: TrustedLog, checked: CheckedCheckpoint): Promise<void> {
    if (checked.larger !== checked.kept) {
      await this.#pins.writeCheckpoint(log.key, checked.larger.note);
    }
  }

  /** The larger checkpoint, once the two are shown to be views of one tree. */
  async #larger(
    kept: VerifiedCheckpoint | null,
    served: VerifiedCheckpoint,
    api: LogApi,
  ): Promise<VerifiedCheckpoint> {
    if (kept === null) return served;
    const smaller = served.checkpoint.size < kept.checkpoint.size;
    if (smaller && this.smaller === "refuse") {
      throw new TlogError(
        `the served checkpoint of size ${served.checkpoint.size} is smaller than the kept one ` +
          `of size ${kept.checkpoint.size}`,
      );
    }
    const [older, newer] = smaller ? [served, kept] : [kept, served];
    const from = older.checkpoint.size;
    const to = newer.checkpoint.size;
    if (from === to) {
      if (!equalBytes(older.checkpoint.root, newer.checkpoint.root)) {
        throw new TlogError(
          `the kept and the served checkpoints both have size ${to} but different roots`,
        );
      }
      return kept;
    }
    const proof = from === 0 ? [] : await prove(api, from, to);
    if (!verifyConsistency(from, to, older.checkpoint.root, newer.checkpoint.root, proof)) {
      throw new TlogError(
        `the tree of size ${from} is not a prefix of the tree of size ${to}: ` +
          "the consistency proof does not hold",
      );
    }
    return newer;
  }
}

/** A consistency proof from the server; a server that cannot prove is evidence, not an outage. */
async function prove(api: LogApi, from: number, to: number): Promise<readonly Uint8Array[]> {
  try {
    return await api.consistency(from, to);
  } catch (e) {
    if (!(e instanceof KezError) || e.code === "unavailable" || e.code === "internal") throw e;
    throw new TlogError(
      `the server cannot prove that the tree of size ${from} is a prefix of the tree of ` +
        `size ${to}: ${e.message}`,
      { cause: e },
    );
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
