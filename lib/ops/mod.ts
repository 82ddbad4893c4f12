/**
 * Operations: metrics and the maintenance commands
 * (online backup, a full audit of the database, statistics, a health check,
 * a migration to PostgreSQL), each a row of the binary's command table.
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

export * from "./backup_command.ts";
export * from "./healthcheck.ts";
export * from "./healthcheck_command.ts";
export * from "./maintenance.ts";
export * from "./metrics.ts";
export * from "./migrate_command.ts";
export * from "./request_series.ts";
export * from "./server_command.ts";
export * from "./stats_command.ts";
export * from "./verify_command.ts";
export * from "./verify_database.ts";
export * from "./version.ts";
