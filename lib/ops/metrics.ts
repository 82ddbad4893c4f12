/**
 * The server's metrics in the Prometheus text format (version 0.0.4):
 * requests, their latency, events appended and rejected, and what the
 * database holds.
 *
 * @module
 */

import { RequestSeries } from "./request_series.ts";
import type { StoredCounts } from "../store/stored_counts.ts";

/** The media type of the Prometheus text format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Options of {@linkcode Metrics}. */
export interface MetricsOptions {
  /** Where the stored chains and events and the database size come from; omitted without. */
  readonly stored?: StoredCounts | undefined;
}

function family(name: string, type: string, help: string, samples: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

/**
 * The metrics registry of one server.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * const metrics = new Metrics();
 * metrics.series("/v1/sigchains/{scheme}/{id}/events").observe("POST", 409, 1.5);
 * metrics.rejected("conflict");
 * const text = await metrics.render();
 * if (!text.includes('kez_events_rejected_total{code="conflict"} 1')) throw new Error(text);
 * ```
 */
export class Metrics {
  #series = new Map<string, RequestSeries>();
  #appended = 0;
  #rejected = new Map<string, number>();
  #witness = new Map<string, number>();
  #stored: StoredCounts | undefined;

  /**
   * Starts with every count at zero.
   *
   * @param options where the stored counts come from
   */
  constructor(options: MetricsOptions = {}) {
    this.#stored = options.stored;
  }

  /**
   * The series of a route, created on first use; callers keep it, so that
   * recording a request does not look the route up.
   *
   * @param route the route label, a path pattern such as `/v1/healthz`
   * @returns the route's series
   */
  series(route: string): RequestSeries {
    let series = this.#series.get(route);
    if (series === undefined) {
      series = new RequestSeries(route);
      this.#series.set(route, series);
    }
    return series;
  }

  /** Counts an event stored (a `201` to a POST of an event). */
  appended(): void {
    this.#appended++;
  }

  /**
   * Counts a POSTed event refused.
   *
   * @param code the error code it was refused with
   */
  rejected(code: string): void {
    this.#rejected.set(code, (this.#rejected.get(code) ?? 0) + 1);
  }

  /**
   * Counts one answer of a witness asked to cosign (or its failure to answer).
   *
   * @param witness the witness's name in the policy
   * @param outcome `cosigned`, `conflict` (a 409 naming its size) or `failed`
   */
  witnessAnswered(witness: string, outcome: string): void {
    const key = `witness="${witness.replace(/["\\\n]/g, "_")}",outcome="${outcome}"`;
    this.#witness.set(key, (this.#witness.get(key) ?? 0) + 1);
  }

  /**
   * Writes every metric.
   *
   * @returns the exposition text
   * @throws {Error} when the stored counts cannot be read
   */
  async render(): Promise<string> {
    const series = [...this.#series.values()];
    const rejected = [...this.#rejected].sort(([a], [b]) => a.localeCompare(b));
    const lines = [
      ...family(
        "kez_http_requests_total",
        "counter",
        "HTTP requests answered, by method, route pattern and status.",
        series.flatMap((s) => s.counterLines("kez_http_requests_total")),
      ),
      ...family(
        "kez_http_request_duration_seconds",
        "histogram",
        "Time from receiving a request to its answer, by route pattern.",
        series.flatMap((s) => s.histogramLines("kez_http_request_duration_seconds")),
      ),
      ...family("kez_events_appended_total", "counter", "Events stored by POST.", [
        `kez_events_appended_total ${this.#appended}`,
      ]),
      ...family(
        "kez_events_rejected_total",
        "counter",
        "POSTed events refused, by error code.",
        rejected.map(([code, n]) => `kez_events_rejected_total{code="${code}"} ${n}`),
      ),
      ...family(
        "kez_witness_requests_total",
        "counter",
        "add-checkpoint requests to witnesses, by witness and outcome (cosigned, conflict, failed).",
        [...this.#witness].sort().map(([labels, n]) =>
          `kez_witness_requests_total{${labels}} ${n}`
        ),
      ),
    ];
    if (this.#stored !== undefined) {
      const stored = await this.#stored.read();
      lines.push(
        ...family("kez_chains_stored", "gauge", "Chains in the database.", [
          `kez_chains_stored ${stored.chains}`,
        ]),
        ...family("kez_events_stored", "gauge", "Events in the database.", [
          `kez_events_stored ${stored.events}`,
        ]),
        ...family("kez_database_size_bytes", "gauge", "Size of the database file.", [
          `kez_database_size_bytes ${stored.databaseBytes}`,
        ]),
        ...family("kez_database_wal_size_bytes", "gauge", "Size of its write-ahead log.", [
          `kez_database_wal_size_bytes ${stored.walBytes}`,
        ]),
      );
    }
    return lines.join("\n") + "\n";
  }
}
