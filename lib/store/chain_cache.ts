/**
 * A least-recently-used cache of chain states within a memory budget.
 *
 * @module
 */

import type { ChainState } from "./chain_state.ts";

/**
 * Chain states by primary, evicting the least recently used past a budget.
 * A state's weight is taken when it is put, and again when it is put back
 * after it grew.
 *
 * @example
 * ```ts
 * import { ChainCache } from "./chain_cache.ts";
 * import { ChainState } from "./chain_state.ts";
 * const cache = new ChainCache(10_000);
 * cache.put("a", new ChainState());
 * if (cache.get("a") === undefined) throw new Error("cached");
 * ```
 */
export class ChainCache {
  #entries = new Map<string, { state: ChainState; weight: number }>();
  #weight = 0;
  readonly #budget: number;

  /**
   * @param budgetBytes the most memory, roughly, that cached states may hold
   */
  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  /**
   * Looks a state up and marks it recently used.
   *
   * @param key the primary
   * @returns the state, or undefined when not cached
   */
  get(key: string): ChainState | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.state;
  }

  /**
   * Caches a state (again, after it changed), evicting the least recently used
   * ones past the budget. A state larger than the whole budget is not kept.
   *
   * @param key the primary
   * @param state its state
   */
  put(key: string, state: ChainState): void {
    this.delete(key);
    const weight = state.weight;
    if (weight > this.#budget) return;
    this.#entries.set(key, { state, weight });
    this.#weight += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#weight <= this.#budget) break;
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
  }

  /**
   * Forgets one state.
   *
   * @param key the primary
   */
  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
  }

  /** Forgets every state: the database changed behind our back. */
  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }
}
