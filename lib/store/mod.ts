/**
 * Storage of sigchains: the {@linkcode Store} interface and its SQLite
 * implementation on the original server's schema (spec §7).
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

export * from "./schema.ts";
export * from "./sqlite_store.ts";
export * from "./store.ts";
