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

export * from "./backup.ts";
export * from "./healthcheck.ts";
export * from "./log_key_change.ts";
export * from "./maintenance.ts";
export * from "./metrics.ts";
export * from "./read_only.ts";
export * from "./read_only_file.ts";
export * from "./request_series.ts";
export * from "./stats.ts";
export * from "./stored_counts.ts";
export * from "./verify_database.ts";
export * from "./verify_log.ts";
export * from "./version.ts";
