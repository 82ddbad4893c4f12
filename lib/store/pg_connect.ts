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

/** PostgreSQL's type ids of the arrays the store sends: `text[]` and `bigint[]`. */
const TEXT_ARRAY = 1009;
const BIGINT_ARRAY = 1016;

/** An array literal (`{"a","b"}`, `{1,2}`) of strings or numbers, as PostgreSQL parses it. */
function arrayLiteral(values: readonly (string | number)[]): string {
  const items = values.map((v) =>
    typeof v === "number" ? String(v) : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`
  );
  return `{${items.join(",")}}`;
}

/**
 * Opens a client of a database, connecting lazily. Its `bigint` columns
 * (sizes, indices, seqs, all below 2^53) come back as numbers, not the
 * client's strings.
 *
 * The client does not fetch the database's array types: it would on every
 * new connection, from a promise nothing awaits, so a database that went
 * away during that query ended the whole process with an unhandled
 * rejection. The two array types the store sends are serialized here instead.
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
    fetch_types: false,
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
      textArray: { to: TEXT_ARRAY, from: [], serialize: arrayLiteral, parse: String },
      bigintArray: { to: BIGINT_ARRAY, from: [], serialize: arrayLiteral, parse: String },
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
