/**
 * The active subjects of a chain with too many to hold in memory: each
 * question goes to the database.
 *
 * @module
 */

import { isActiveAfter, type Op } from "../protocol/mod.ts";
import type { ChainSubjects } from "./chain_subjects.ts";

/**
 * Active subjects asked of the store one at a time: a subject is active when
 * the latest committed event naming it is an add. Each question costs a scan
 * of the chain's rows (no index covers subjects, and spec §7's table may not
 * get one), which is why only a chain whose set would not fit the cache's
 * budget is checked this way; nothing of the chain is held in memory.
 *
 * @example
 * ```ts
 * import { SubjectLookup } from "./subject_lookup.ts";
 * const ops = new Map([["github:a", "add" as const], ["github:b", "revoke" as const]]);
 * const subjects = new SubjectLookup((subject) => ops.get(subject) ?? null);
 * if (!subjects.isActive("github:a") || subjects.isActive("github:b")) throw new Error("ops");
 * if (subjects.isActive("github:c") || subjects.weight !== 0) throw new Error("unknown");
 * ```
 */
export class SubjectLookup implements ChainSubjects {
  readonly #latestOp: (subject: string) => Op | null;

  /**
   * @param latestOp the op of the latest committed event naming a subject,
   *   or null when none does
   */
  constructor(latestOp: (subject: string) => Op | null) {
    this.#latestOp = latestOp;
  }

  /** Nothing is held: the answers live in the database. */
  get weight(): number {
    return 0;
  }

  /** @inheritdoc */
  isActive(subject: string): boolean {
    return isActiveAfter(this.#latestOp(subject));
  }

  /** Committed events are in the database already, where the next question looks. */
  apply(_op: Op, _subject: string): void {}
}
