/**
 * Telling a PostgreSQL URL from a SQLite path in `--db`, and showing one in a
 * log line without its password.
 *
 * @module
 */

/**
 * Whether a `--db` value names a PostgreSQL database rather than a SQLite file.
 *
 * @param db the value
 * @returns true for a `postgres://` or `postgresql://` URL
 *
 * @example
 * ```ts
 * import { isPostgresUrl } from "./pg_url.ts";
 * if (!isPostgresUrl("postgres://kez@db:5432/kez") || isPostgresUrl("kez.db")) throw new Error("unexpected");
 * ```
 */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/**
 * A PostgreSQL URL fit for a log line: without its password.
 *
 * @param url the URL
 * @returns the URL with any password replaced by `***`
 *
 * @example
 * ```ts
 * import { redactUrl } from "./pg_url.ts";
 * if (redactUrl("postgres://kez:secret@db/kez") !== "postgres://kez:***@db/kez") throw new Error("unexpected");
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}
