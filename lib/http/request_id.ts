/**
 * Request ids: the client's `X-Request-Id` when it is a plausible id, else
 * one made here, cheaply: a random prefix per process and a counter. The app
 * assigns a request its id first; every answer is then built with the id's
 * header among its initial headers: adding a header to an answer already
 * built makes `Deno.serve` rebuild its headers, which measured at several
 * percent of a cached read.
 *
 * @module
 */

/** The response header that carries a request's id: its name and the id. */
export type RequestIdHeader = [name: "x-request-id", id: string];

/**
 * A client's id is kept when it is 1 to 128 printable ASCII characters with
 * no space (`!` to `~`): enough for UUIDs, ULIDs, base64 and trace ids, and
 * nothing that could break a log line or a header.
 */
const VALID_ID = /^[\x21-\x7e]{1,128}$/;

/** Tells this process's ids from another's (a restart, another replica). */
const PREFIX = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16))
  .map((h) => h.padStart(2, "0"))
  .join("");

let counter = 0;

/** Where a request's id header is kept: on the request, so handlers reach it without a map. */
/**
 * The id of a request.
 *
 * @param header the request's `X-Request-Id`, or null when absent
 * @returns the header when valid, else a new id unique in this process
 *
 * @example
 * ```ts
 * import { requestId } from "./request_id.ts";
 * if (requestId("trace-42") !== "trace-42") throw new Error("kept");
 * if (requestId("has space") === "has space") throw new Error("replaced");
 * if (requestId(null) === requestId(null)) throw new Error("unique");
 * ```
 */
export function requestId(header: string | null): string {
  if (header !== null && VALID_ID.test(header)) return header;
  return `${PREFIX}-${(++counter).toString(36)}`;
}

/**
 * The header that carries a request's id, for the answer's initial headers:
 * the app makes it once per request, into the context every answer starts from.
 *
 * @param req the request
 * @returns the header pair
 *
 * @example
 * ```ts
 * import { requestIdHeader } from "./request_id.ts";
 * const req = new Request("http://x/", { headers: { "x-request-id": "abc" } });
 * const [name, id] = requestIdHeader(req);
 * if (name !== "x-request-id" || id !== "abc" || requestIdHeader(req)[1] !== id) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function requestIdHeader(req: Request): RequestIdHeader {
  return ["x-request-id", requestId(req.headers.get("x-request-id"))];
}
