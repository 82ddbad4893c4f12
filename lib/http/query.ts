/**
 * Query parameters as spec §6.2 and §10.3 read them: each a non-negative
 * integer in ASCII decimal digits, no sign, no leading zeros, given at most
 * once.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Reads one integer parameter.
 *
 * @param query the request's query parameters
 * @param name the parameter
 * @returns its value, or undefined when absent; values past 2^53 come back
 *   rounded, which is past every seq, index and size
 * @throws {KezError} `invalid_query` for any other value, or the parameter given twice
 *
 * @example
 * ```ts
 * import { queryInteger } from "./query.ts";
 * if (queryInteger(new URLSearchParams("start=12"), "start") !== 12) throw new Error("start=12");
 * if (queryInteger(new URLSearchParams("x=1"), "start") !== undefined) throw new Error("absent");
 * ```
 */
export function queryInteger(query: URLSearchParams, name: string): number | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  const [value] = values;
  if (values.length > 1 || value === undefined || !DECIMAL.test(value)) {
    throw new KezError(
      "invalid_query",
      `Cannot read query: ${name} must be given once, as a non-negative integer`,
    );
  }
  return Number(value);
}

/**
 * Reads an integer parameter that must be given and lie in a range.
 *
 * @param query the request's query parameters
 * @param name the parameter
 * @param min the least value allowed
 * @param max the greatest value allowed
 * @returns its value
 * @throws {KezError} `invalid_query` when absent, malformed, twice, or out of range
 *
 * @example
 * ```ts
 * import { requiredInteger } from "./query.ts";
 * if (requiredInteger(new URLSearchParams("size=3"), "size", 1, 5) !== 3) throw new Error("size=3");
 * ```
 */
export function requiredInteger(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number {
  const value = queryInteger(query, name);
  if (value === undefined) {
    throw new KezError("invalid_query", `Cannot read query: ${name} is missing`);
  }
  if (value < min || value > max) {
    throw new KezError(
      "invalid_query",
      `Cannot read query: ${name} must be from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}
