/**
 * Counting what a PostgreSQL database holds: the counts of `stats` on a
 * SQLite file, and PostgreSQL's own sizes in place of the file's.
 *
 * @module
 */

import { readPgSnapshot } from "./pg_snapshot.ts";
import { redactUrl } from "./pg_url.ts";
import type { EventCounts, EventGroup } from "./stats.ts";
import { tallyEvents } from "./stats.ts";

/**
 * What a PostgreSQL database holds. The counts are those of SQLite's
 * `DatabaseStats`; the sizes are PostgreSQL's, since it has no file of its
 * own nor a write-ahead log of one database's: the database as
 * `pg_database_size` gives it, and each table with its indexes and TOAST as
 * `pg_total_relation_size` does.
 */
export interface PgDatabaseStats extends EventCounts {
  /** The database's size on disk, in bytes (`pg_database_size`). */
  readonly databaseBytes: number;
  /** The `sigchain_events` table's, with its indexes (`pg_total_relation_size`). */
  readonly eventsBytes: number;
  /** The log's tables', with their indexes; 0 when the database has no log. */
  readonly logBytes: number;
}

/** SQLSTATE invalid_text_representation: a cast of text that is not JSON. */
const NOT_JSON = "22P02";

/**
 * Counts a PostgreSQL database's chains and events, by op and by algorithm,
 * in one `REPEATABLE READ READ ONLY` transaction: the counts are of one
 * snapshot, and servers keep writing meanwhile. The database reads every row
 * once, so it takes time on a large one.
 *
 * @param url the database, `postgres://…`
 * @returns the counts and sizes
 * @throws {Error} naming the database (without its password) when it cannot
 *   be reached, has no sigchain table, or holds a row that is not JSON
 *   (which `verify` names)
 *
 * @example
 * ```ts ignore
 * import { pgDatabaseStats } from "./pg_stats.ts";
 * const stats = await pgDatabaseStats("postgres://kez@127.0.0.1/kez");
 * console.log(stats.chains, stats.events, stats.databaseBytes);
 * ```
 */
export function pgDatabaseStats(url: string): Promise<PgDatabaseStats> {
  return readPgSnapshot(url, async ({ tx }) => {
    let groups: EventGroup[];
    try {
      groups = await tx<EventGroup[]>`
        SELECT json -> 'payload' ->> 'op' AS op, json -> 'signature' ->> 'alg' AS alg,
               count(*)::int AS n
        FROM (SELECT envelope_json::jsonb AS json FROM sigchain_events) AS e
        GROUP BY op, alg ORDER BY op, alg`;
    } catch (e) {
      if ((e as { code?: unknown }).code !== NOT_JSON) throw e;
      throw new Error(
        `Cannot count the events of "${
          redactUrl(url)
        }": a stored envelope_json is not JSON; verify names it`,
        { cause: e },
      );
    }
    const [row] = await tx<
      { chains: number; databaseBytes: number; eventsBytes: number; logBytes: number }[]
    >`
      SELECT (SELECT count(*) FROM (SELECT DISTINCT primary_scheme, primary_id
                                    FROM sigchain_events) AS c)::int AS chains,
             pg_database_size(current_database()) AS "databaseBytes",
             pg_total_relation_size('sigchain_events') AS "eventsBytes",
             coalesce(pg_total_relation_size(to_regclass('kez_log_entries')), 0)
               + coalesce(pg_total_relation_size(to_regclass('kez_log_state')), 0) AS "logBytes"`;
    const { chains, databaseBytes, eventsBytes, logBytes } = row!;
    return { ...tallyEvents(chains, groups), databaseBytes, eventsBytes, logBytes };
  });
}
