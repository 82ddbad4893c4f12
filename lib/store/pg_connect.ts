/**
 * Connecting to PostgreSQL, for the store's pool and for a command that
 * reads or copies a whole database (`verify`, `stats`, `backup`, `migrate`)
 * on one connection; failures named with the database's URL, without its
 * password.
 *
 * @module
 */

import postgres, { type Sql } from "postgres";
import { redactUrl } from "./pg_url.ts";

/** How many connections, and how long to wait for one. */
export interface PgConnectOptions {
  /** The most connections at once; 1 by default. */
  readonly max?: number;
  /** Seconds to wait for a connection; 10 by default. */
  readonly connectTimeoutS?: number;
}

/**
 * Opens a client of a database, connecting lazily. Its `bigint` columns
 * (sizes, indices, seqs, all below 2^53) come back as numbers, not the
 * client's strings.
 *
 * @param url the database, `postgres://user[:password]@host[:port]/name`
 * @param options the pool's size and connect timeout
 * @returns the client; end it when done
 *
 * @example
 * ```ts
 * import { connectPg } from "./pg_connect.ts";
 * // Connecting is lazy: nothing is reached before the first query.
 * const sql = connectPg("postgres://kez@127.0.0.1:1/kez");
 * await sql.end();
 * ```
 */
export function connectPg(url: string, options: PgConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 1,
    connect_timeout: options.connectTimeoutS ?? 10,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
  });
}

/**
 * Names a failure of PostgreSQL or of the connection to it with the
 * database's URL; any other error is returned unchanged.
 *
 * @param url the database
 * @param e what was thrown
 * @returns the error to throw
 *
 * @example
 * ```ts
 * import { pgFailure } from "./pg_connect.ts";
 * const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
 * const e = pgFailure("postgres://kez:secret@127.0.0.1:1/kez", refused) as Error;
 * if (e.message !== 'Cannot use database "postgres://kez:***@127.0.0.1:1/kez": connect ECONNREFUSED 127.0.0.1:1') {
 *   throw new Error(e.message);
 * }
 * ```
 */
export function pgFailure(url: string, e: unknown): unknown {
  if (!(e instanceof Error) || typeof (e as { code?: unknown }).code !== "string") return e;
  return new Error(`Cannot use database "${redactUrl(url)}": ${e.message}`, { cause: e });
}
