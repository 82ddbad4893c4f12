/**
 * The active subjects of a chain as the store keeps them for the append
 * check (§5 check 9): a weighed set in memory, or (for a chain with too many
 * to hold) a question to the database each time. Either answers by the
 * protocol's one rule.
 *
 * @module
 */

import { ActiveSubjects, isActiveAfter, type Op } from "../protocol/mod.ts";

/** A chain's active subjects, however the store keeps them. */
export interface ChainSubjects {
  /** Roughly how many bytes of memory they hold, for the cache's budget. */
  readonly weight: number;
  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject
   * @returns true when its last op in the committed chain is an add
   */
  isActive(subject: string): boolean;
  /**
   * Takes a committed event into account.
   *
   * @param op its op
   * @param subject its subject
   */
  apply(op: Op, subject: string): void;
}

/**
 * Measured: a subject in a `Set` costs the process about 60 bytes beyond its
 * characters (the string's header, the set's entry and its share of the
 * table); rounded up.
 */
const ENTRY_BYTES = 64;
/** V8 keeps a string of Latin-1 characters at one byte a character, any other at two. */
const TWO_BYTE = /[\u0100-\uffff]/;

function weightOf(subject: string): number {
  return ENTRY_BYTES + (TWO_BYTE.test(subject) ? 2 : 1) * subject.length;
}

/**
 * Active subjects held in memory, weighed as they come and go.
 *
 * @example
 * ```ts
 * import { SubjectSet } from "./chain_subjects.ts";
 * const subjects = new SubjectSet();
 * subjects.apply("add", "github:a");
 * subjects.apply("add", "github:b");
 * subjects.apply("revoke", "github:a");
 * if (subjects.isActive("github:a") || !subjects.isActive("github:b")) throw new Error("ops");
 * if (subjects.weight !== 64 + 8) throw new Error(String(subjects.weight));
 * ```
 */
export class SubjectSet implements ChainSubjects {
  #active = new ActiveSubjects();
  #weight = 0;

  /** @inheritdoc */
  get weight(): number {
    return this.#weight;
  }

  /** How many subjects are active. */
  get size(): number {
    return this.#active.size;
  }

  /** @inheritdoc */
  isActive(subject: string): boolean {
    return this.#active.isActive(subject);
  }

  /** @inheritdoc */
  apply(op: Op, subject: string): void {
    if (this.#active.apply(op, subject)) {
      this.#weight += isActiveAfter(op) ? weightOf(subject) : -weightOf(subject);
    }
  }
}
