/**
 * The request metrics of one route: answers counted by method and status,
 * and a histogram of how long they took.
 *
 * @module
 */

/** The histogram's upper bounds, in milliseconds, from half a millisecond to five seconds. */
const BOUNDS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** The bounds as Prometheus writes them: `le` in seconds. */
const LE = [...BOUNDS_MS.map((ms) => String(ms / 1000)), "+Inf"];

/** The method label values; any other method counts as `other`, so the label stays bounded. */
const METHODS = ["GET", "HEAD", "POST", "OPTIONS", "other"] as const;

function methodIndex(method: string): number {
  switch (method) {
    case "GET":
      return 0;
    case "HEAD":
      return 1;
    case "POST":
      return 2;
    case "OPTIONS":
      return 3;
    default:
      return 4;
  }
}

/**
 * One route's counters. Recording a request costs a map update and a short
 * scan of the bounds: it runs on every request.
 *
 * @example
 * ```ts
 * import { RequestSeries } from "./request_series.ts";
 * const series = new RequestSeries("/v1/healthz");
 * series.observe("GET", 200, 0.7);
 * const text = series.counterLines("requests_total").join("\n");
 * if (!text.includes('requests_total{method="GET",route="/v1/healthz",status="200"} 1')) {
 *   throw new Error(text);
 * }
 * ```
 */
export class RequestSeries {
  /** The route label. */
  readonly route: string;
  /** Answers by `status * 8 + method index`: a number key, so recording builds no string. */
  #counts = new Map<number, number>();
  #buckets = new Float64Array(BOUNDS_MS.length + 1);
  #sumMs = 0;

  /**
   * Starts a route's counters at zero.
   *
   * @param route the route label
   */
  constructor(route: string) {
    this.route = route;
  }

  /**
   * Records one answered request.
   *
   * @param method the request method
   * @param status the answer's status
   * @param ms how long answering took, in milliseconds
   */
  observe(method: string, status: number, ms: number): void {
    const key = status * 8 + methodIndex(method);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    let i = 0;
    while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]!) i++;
    this.#buckets[i]!++;
    this.#sumMs += ms;
  }

  /**
   * The request counter's sample lines.
   *
   * @param name the metric name
   * @returns one line per method and status seen
   */
  counterLines(name: string): string[] {
    return [...this.#counts].sort(([a], [b]) => a - b).map(([key, n]) => {
      const method = METHODS[key % 8]!;
      const status = Math.floor(key / 8);
      return `${name}{method="${method}",route="${this.route}",status="${status}"} ${n}`;
    });
  }

  /**
   * The histogram's sample lines: cumulative buckets, sum in seconds, count.
   *
   * @param name the metric name
   * @returns the lines
   */
  histogramLines(name: string): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.#buckets.forEach((n, i) => {
      cumulative += n;
      lines.push(`${name}_bucket{route="${this.route}",le="${LE[i]}"} ${cumulative}`);
    });
    lines.push(`${name}_sum{route="${this.route}"} ${this.#sumMs / 1000}`);
    lines.push(`${name}_count{route="${this.route}"} ${cumulative}`);
    return lines;
  }
}
