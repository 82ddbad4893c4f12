/**
 * Latencies of a soak, by kind of request, and their percentiles.
 *
 * @module
 */

/** The percentiles of one kind of request. */
export interface LatencySummary {
  /** How many were timed. */
  readonly count: number;
  /** The median, milliseconds. */
  readonly p50: number;
  /** The 99th percentile, milliseconds. */
  readonly p99: number;
  /** The slowest, milliseconds. */
  readonly max: number;
}

/**
 * Every latency of a run, kept whole (a few MB for minutes of load) so that
 * the percentiles are exact rather than bucketed.
 *
 * @example
 * ```ts
 * import { LatencyLog } from "./latency.ts";
 * const log = new LatencyLog();
 * for (let i = 1; i <= 100; i++) log.record("get", i);
 * const s = log.summary("get");
 * if (s.p50 !== 50 || s.p99 !== 99 || s.max !== 100) throw new Error(JSON.stringify(s));
 * ```
 */
export class LatencyLog {
  readonly #samples = new Map<string, number[]>();

  /**
   * Notes one request's latency.
   *
   * @param kind the kind of request, e.g. `POST event`
   * @param ms its latency, milliseconds
   */
  record(kind: string, ms: number): void {
    let list = this.#samples.get(kind);
    if (list === undefined) this.#samples.set(kind, list = []);
    list.push(ms);
  }

  /** The kinds seen, in the order first seen. */
  get kinds(): string[] {
    return [...this.#samples.keys()];
  }

  /**
   * The percentiles of one kind (nearest rank).
   *
   * @param kind the kind
   * @returns the summary; zeros when none was timed
   */
  summary(kind: string): LatencySummary {
    const sorted = [...(this.#samples.get(kind) ?? [])].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    return { count: sorted.length, p50: rank(50), p99: rank(99), max: sorted.at(-1) ?? 0 };
  }
}
