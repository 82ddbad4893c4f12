/**
 * Storage of sigchains: the {@linkcode Store} interface (reads, and a batch
 * committed whole) and its two implementations: SQLite on the original
 * server's schema (spec §7), and PostgreSQL for several servers on one database.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "./mod.ts";
 * const store = SqliteStore.open(":memory:");
 * await store.close();
 * ```
 *
 * @module
 */

export * from "./backup.ts";
export * from "./batch_writer.ts";
export * from "./chain_cache.ts";
export * from "./event_pages.ts";
export * from "./chain_jsonl.ts";
export * from "./chain_rows.ts";
export * from "./chain_state.ts";
export * from "./chain_stream.ts";
export * from "./chain_subjects.ts";
export * from "./log_build.ts";
export * from "./log_key.ts";
export * from "./log_key_change.ts";
export * from "./log_key_start.ts";
export * from "./log_tile.ts";
export * from "./log_writer.ts";
export * from "./pg_backup.ts";
export * from "./pg_connect.ts";
export * from "./pg_errors.ts";
export * from "./pg_hashes.ts";
export * from "./pg_log.ts";
export * from "./pg_migrate.ts";
export * from "./pg_schema.ts";
export * from "./pg_snapshot.ts";
export * from "./pg_stats.ts";
export * from "./pg_store.ts";
export * from "./pg_url.ts";
export * from "./read_only.ts";
export * from "./read_only_file.ts";
export * from "./rest_mode.ts";
export * from "./schema.ts";
export * from "./sqlite_errors.ts";
export * from "./sqlite_log.ts";
export * from "./sqlite_store.ts";
export * from "./stats.ts";
export * from "./store.ts";
export * from "./stored_counts.ts";
export * from "./subject_lookup.ts";
export * from "./thread_writer.ts";
export * from "./transparency_log.ts";
export * from "./verify_log.ts";
export * from "./witness_db.ts";
export * from "./cosignature_record.ts";
export * from "./pg_cosignature_record.ts";
