/**
 * A least-recently-used cache of chain states within a memory budget.
 *
 * @module
 */

import type { ChainState } from "./chain_state.ts";

/**
 * The cache's budget when none is given, in MiB (`--cache-mb`'s default):
 * about a thousand chains of ten events with their lines, or four thousand
 * tips. Appends load a chain's tip alone, so 8 served the benchmark's
 * appends to 256 long chains as fast as 24 did, with some 20 MB less peak memory.
 *
 * @example
 * ```ts
 * import { ChainCache, DEFAULT_CACHE_MB } from "./chain_cache.ts";
 * new ChainCache(DEFAULT_CACHE_MB * 1024 * 1024);
 * ```
 */
export const DEFAULT_CACHE_MB = 8;

/**
 * Chain states by primary, evicting the least recently used past a budget.
 * A state's weight is taken when it is put, and again when it is put back
 * after it grew.
 *
 * Recency is the order of the map, kept approximately: a state found in the
 * newer half of the order stays where it is. Moving every state found to
 * the end (a delete and a set) left a deleted entry in its hash bucket each
 * time, so the few chains that every GET asks for sat behind longer and
 * longer runs of dead entries until the map was rebuilt: the cache's lookup
 * was a tenth of the serving thread under GET load.
 *
 * @example
 * ```ts
 * import { ChainCache } from "./chain_cache.ts";
 * import { ChainState } from "./chain_state.ts";
 * const cache = new ChainCache(2 * new ChainState().weight);
 * cache.put("a", new ChainState());
 * cache.put("b", new ChainState());
 * if (cache.get("a") === undefined) throw new Error("cached");
 * cache.put("c", new ChainState()); // over the budget: "b" is the least recently used
 * if (cache.get("b") !== undefined || cache.get("a") === undefined) throw new Error("evicted b");
 * ```
 */
export class ChainCache {
  #entries = new Map<string, { state: ChainState; weight: number; tick: number }>();
  #weight = 0;
  /** Counts moves to the end of the order; an entry's `tick` is the count at its move. */
  #tick = 0;
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
    if (this.#tick - entry.tick >= this.#entries.size / 2) {
      this.#entries.delete(key);
      entry.tick = ++this.#tick;
      this.#entries.set(key, entry);
    }
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
    const weight = state.weight;
    if (weight > this.#budget) return this.delete(key);
    const known = this.#entries.get(key);
    if (known === undefined) {
      this.#entries.set(key, { state, weight, tick: ++this.#tick });
    } else {
      // In place, like a lookup, for the same reason: a chain appended to is put back at every event.
      this.#weight -= known.weight;
      known.state = state;
      known.weight = weight;
      this.get(key);
    }
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
