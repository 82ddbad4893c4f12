/**
 * Test support: a small, fast, seeded pseudo-random generator, so that a
 * fuzz run can be replayed exactly from its seed.
 *
 * @module
 */

/**
 * Mulberry32: 32 bits of state, good enough to pick mutations, and the same
 * sequence on every platform for a given seed.
 *
 * @example
 * ```ts
 * import { SeededRandom } from "./seeded_random.ts";
 * const a = new SeededRandom(42), b = new SeededRandom(42);
 * if (a.int(1000) !== b.int(1000)) throw new Error("not reproducible");
 * ```
 */
export class SeededRandom {
  #state: number;

  /**
   * @param seed any 32-bit integer
   */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** @returns a float in [0, 1) */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * @param n the bound
   * @returns an integer in [0, n)
   */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * @param p the probability
   * @returns true with probability p
   */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * @param items a non-empty list
   * @returns one of them
   */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /**
   * @param n how many
   * @returns n random bytes
   */
  bytes(n: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/**
 * The seed of a reproducible run: from an environment variable when set (to
 * replay a failure), else a fresh one.
 *
 * @param variable the environment variable, e.g. `KEZ_FUZZ_SEED`
 * @returns a 32-bit unsigned seed
 * @throws {TypeError} when the variable is set to something other than a 32-bit unsigned integer
 *
 * @example
 * ```ts
 * import { seedFrom } from "./seeded_random.ts";
 * const seed = seedFrom("KEZ_EXAMPLE_SEED_UNSET");
 * if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(String(seed));
 * ```
 */
export function seedFrom(variable: string): number {
  const text = Deno.env.get(variable);
  if (text === undefined || text === "") return crypto.getRandomValues(new Uint32Array(1))[0]!;
  const seed = Number(text);
  if (!/^\d+$/.test(text) || seed > 0xffffffff) {
    throw new TypeError(`${variable}=${text}: expected an integer from 0 to 4294967295`);
  }
  return seed;
}
