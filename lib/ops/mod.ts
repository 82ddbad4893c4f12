/**
 * Operations: metrics and the maintenance commands
 * (online backup, a full audit of the database, statistics, a health check).
 *
 * @example
 * ```ts
 * import { Metrics } from "./mod.ts";
 * const text = await new Metrics().render();
 * if (!text.includes("kez_events_appended_total 0")) throw new Error(text);
 * ```
 *
 * @module
 */

export * from "./healthcheck.ts";
export * from "./maintenance.ts";
export * from "./metrics.ts";
export * from "./request_series.ts";
export * from "./verify_database.ts";
export * from "./version.ts";
