/**
 * What SQLite failures mean to a client: a lost race is a `conflict`, a full,
 * locked or read-only database is `unavailable`, anything else is ours.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

/**
 * SQLite failures that mean "not now" rather than "never", by primary result
 * code (sqlite.org/rescode.html) and by message, since Deno's `node:sqlite`
 * errors carry only the message.
 */
const TRANSIENT: readonly (readonly [number, RegExp, string])[] = [
  [5, /^database is locked/, "the database is locked by another process"],
  [6, /^database table is locked/, "a table is locked"],
  [8, /^attempt to write a readonly database/, "the database is read-only"],
  [10, /^disk I\/O error/, "a disk I/O error occurred"],
  [13, /^database or disk is full/, "the disk or database is full"],
  [14, /^unable to open database file/, "the database file cannot be opened"],
];
const SQLITE_CONSTRAINT = 19;
const CONSTRAINT_MESSAGE = /^UNIQUE constraint failed|^constraint failed/;

/**
 * Turns a SQLite failure into the protocol's answer where it has one.
 *
 * @param e what SQLite threw
 * @returns a KezError for a transient failure or a lost race, else `e` unchanged
 *
 * @example
 * ```ts
 * import { translate } from "./sqlite_errors.ts";
 * const e = Object.assign(new Error("database or disk is full"), { code: "ERR_SQLITE_ERROR" });
 * if ((translate(e) as { code?: string }).code !== "unavailable") throw new Error("unexpected");
 * ```
 */
export function translate(e: unknown): unknown {
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== "ERR_SQLITE_ERROR") return e;
  const errcode = (e as { errcode?: unknown }).errcode;
  const code = typeof errcode === "number" ? errcode & 0xff : undefined;
  if (code === SQLITE_CONSTRAINT || (code === undefined && CONSTRAINT_MESSAGE.test(e.message))) {
    return new KezError("conflict", "Cannot append event: another event took its seq", {
      cause: e,
    });
  }
  const transient = TRANSIENT.find(([c, message]) => c === code || message.test(e.message));
  if (transient === undefined) return e;
  return new KezError("unavailable", `The store is unavailable: ${transient[2]}; retry later`, {
    cause: e,
  });
}
