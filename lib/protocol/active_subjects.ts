/**
 * The active-subject rule of spec §5: a subject is active after an `add` of
 * it, until a later `revoke` of it, and may be added again after that. Every
 * view of a chain (a verified chain, a logged chain, the store's cache, a
 * batch being checked) answers "is it active?" by this file.
 *
 * @module
 */

import type { Op } from "./envelope.ts";

/**
 * Tells whether a subject is active, given the latest op of the chain that
 * named it: the whole rule, for views that keep ops rather than a set.
 *
 * @param latest the op of the latest event naming the subject, or null when none does
 * @returns true exactly when that op is an `add`
 *
 * @example
 * ```ts
 * import { isActiveAfter } from "./active_subjects.ts";
 * if (!isActiveAfter("add") || isActiveAfter("revoke") || isActiveAfter(null)) {
 *   throw new Error("active after an add only");
 * }
 * ```
 */
export function isActiveAfter(latest: Op | null): boolean {
  return latest === "add";
}

/**
 * The active subjects of a chain, as events are taken in seq order. It keeps
 * the order in which subjects were last added, which §8's state lists.
 *
 * @example
 * ```ts
 * import { ActiveSubjects } from "./active_subjects.ts";
 * const subjects = new ActiveSubjects();
 * subjects.apply("add", "github:a");
 * subjects.apply("add", "dns:a.example");
 * subjects.apply("revoke", "github:a");
 * if (subjects.isActive("github:a") || !subjects.isActive("dns:a.example")) throw new Error("ops");
 * if (subjects.size !== 1 || [...subjects][0] !== "dns:a.example") throw new Error("set");
 * ```
 */
export class ActiveSubjects implements Iterable<string> {
  readonly #active: Set<string>;

  /**
   * @param active subjects known to be active, as a view kept them
   */
  constructor(active: Iterable<string> = []) {
    this.#active = new Set(active);
  }

  /** How many subjects are active. */
  get size(): number {
    return this.#active.size;
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject: no case folding, no normalization (§1.2)
   * @returns true after an add of it and before a revoke
   */
  isActive(subject: string): boolean {
    return this.#active.has(subject);
  }

  /**
   * Takes an event's op into account. Check 9 of §5 is the caller's: an
   * `add` of an active subject or a `revoke` of an inactive one leaves the
   * set as it was.
   *
   * @param op the event's op
   * @param subject its subject
   * @returns true when the set changed
   */
  apply(op: Op, subject: string): boolean {
    if (isActiveAfter(op)) {
      if (this.#active.has(subject)) return false;
      this.#active.add(subject);
      return true;
    }
    return this.#active.delete(subject);
  }

  /**
   * The active subjects, in the order they were last added.
   *
   * @returns an iterator over them
   */
  [Symbol.iterator](): Iterator<string> {
    return this.#active.values();
  }
}
