/**
 * Conditional and incremental GETs of spec §6.2: the chain's ETag,
 * `If-None-Match`, and the `after` query parameter.
 *
 * @module
 */

import { queryInteger } from "./query.ts";

/**
 * Reads the `after` parameter: absent, or one non-negative decimal integer
 * without sign or leading zeros, of any size.
 *
 * @param query the request's query parameters
 * @returns the value, or undefined when absent; values past 2^53 come back
 *   rounded, which is still past every seq
 * @throws {KezError} `invalid_query` for any other value, or the parameter given twice
 *
 * @example
 * ```ts
 * import { parseAfter } from "./caching.ts";
 * if (parseAfter(new URLSearchParams("after=12")) !== 12) throw new Error("after=12");
 * if (parseAfter(new URLSearchParams("x=1")) !== undefined) throw new Error("absent");
 * ```
 */
export function parseAfter(query: URLSearchParams): number | undefined {
  return queryInteger(query, "after");
}

/**
 * The ETag of a chain: its head event's hash, quoted.
 *
 * @param headHash the head event's hash
 * @returns the entity tag
 *
 * @example
 * ```ts
 * import { etagOf } from "./caching.ts";
 * if (etagOf("sha256:ab") !== '"sha256:ab"') throw new Error("quoted");
 * ```
 */
export function etagOf(headHash: string): string {
  return `"${headHash}"`;
}

/**
 * Tells whether an `If-None-Match` header matches an ETag, with the weak
 * comparison of RFC 9110 §13.1.2; `*` matches any existing chain.
 *
 * @param header the header's value, or null when absent
 * @param etag the current entity tag, quoted
 * @returns true when the client's copy is current
 *
 * @example
 * ```ts
 * import { noneMatch } from "./caching.ts";
 * if (!noneMatch('"a", W/"b"', '"b"')) throw new Error("weak match");
 * if (noneMatch(null, '"b"')) throw new Error("no header");
 * ```
 */
export function noneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || (t.startsWith("W/") ? t.slice(2) : t) === etag;
  });
}
