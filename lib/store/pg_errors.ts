/**
 * What PostgreSQL failures mean to a client: a lost connection, a database
 * shutting down, out of connections or in recovery is `unavailable` (retry
 * later); a lost race on the chain's key is a `conflict`; anything else is ours.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

/** Failures of the connection itself, as the `postgres` client and the socket name them. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs that mean "not now" rather than "never" (postgresql.org/docs/15/errcodes-appendix.html):
 * connection exceptions (08), insufficient resources (53), operator
 * intervention such as a shutdown (57P0x) or a cancelled statement, a
 * serialization failure or deadlock (40001, 40P01), a lock not available
 * (55P03), a read-only standby (25006).
 */
function transientState(state: string): boolean {
  return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0") ||
    ["57014", "40001", "40P01", "55P03", "25006"].includes(state);
}

/**
 * Turns a PostgreSQL failure into the protocol's answer where it has one.
 *
 * @param e what the client threw
 * @returns a KezError for a transient failure or a lost race, else `e` unchanged
 *
 * @example
 * ```ts
 * import { translatePg } from "./pg_errors.ts";
 * const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
 * if ((translatePg(refused) as { code?: string }).code !== "unavailable") throw new Error("unexpected");
 * const taken = Object.assign(new Error("duplicate key"), { code: "23505" });
 * if ((translatePg(taken) as { code?: string }).code !== "conflict") throw new Error("unexpected");
 * ```
 */
export function translatePg(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof KezError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return e;
  if (code === "23505") {
    return new KezError("conflict", "Cannot append event: another event took its seq", {
      cause: e,
    });
  }
  // The client is told what kind of failure, never the database's address or text.
  const why = CONNECTION_CODES.has(code)
    ? "the database cannot be reached"
    : /^[0-9A-Z]{5}$/.test(code) && transientState(code)
    ? `the database cannot do it now (SQLSTATE ${code})`
    : null;
  if (why === null) return e;
  return new KezError("unavailable", `The store is unavailable: ${why}; retry later`, { cause: e });
}
