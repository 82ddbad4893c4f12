/**
 * Building answers: bodies with exact lengths, and the one place where errors
 * become HTTP responses (spec §6.1).
 *
 * @module
 */

import { type ErrorCode, KezError } from "../protocol/mod.ts";
import type { Logger } from "../log/mod.ts";

/** The HTTP status of each error code (spec §6.1). */
export const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_primary: 400,
  invalid_json: 400,
  invalid_event: 400,
  wrong_primary: 400,
  invalid_signature: 400,
  invalid_op: 400,
  invalid_query: 400,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
};

const encoder = new TextEncoder();

/**
 * An answer with a body of known length: `Content-Length` is set here so that
 * a `HEAD` keeps it after the body is dropped.
 *
 * @param status the HTTP status
 * @param body the body text
 * @param contentType its media type
 * @param headers more headers
 * @returns the response
 *
 * @example
 * ```ts
 * import { textResponse } from "./responses.ts";
 * const res = textResponse(200, "é", "text/plain");
 * if (res.headers.get("content-length") !== "2") throw new Error("length is in bytes");
 * ```
 */
export function textResponse(
  status: number,
  body: string,
  contentType: string,
  headers: HeadersInit = {},
): Response {
  const bytes = encoder.encode(body);
  const h = new Headers(headers);
  h.set("content-type", contentType);
  h.set("content-length", String(bytes.byteLength));
  return new Response(bytes, { status, headers: h });
}

/**
 * An `application/json` answer.
 *
 * @param status the HTTP status
 * @param value what to serialize
 * @param headers more headers
 * @returns the response
 *
 * @example
 * ```ts
 * import { jsonResponse } from "./responses.ts";
 * const res = jsonResponse(200, { status: "ok" });
 * if ((await res.text()) !== '{"status":"ok"}') throw new Error("unexpected body");
 * ```
 */
export function jsonResponse(status: number, value: unknown, headers: HeadersInit = {}): Response {
  return textResponse(status, JSON.stringify(value), "application/json", headers);
}

/**
 * Turns anything thrown while answering into the error answer of §6.1. A
 * {@linkcode KezError} keeps its code and message; anything else is a failure
 * of the server itself: its cause is logged and the client gets `internal`
 * with no internals.
 *
 * @param error what was thrown
 * @param log where a 500's cause goes
 * @param headers more headers, such as `Allow` on a 405
 * @returns the error answer
 *
 * @example
 * ```ts
 * import { errorResponse } from "./responses.ts";
 * import { KezError } from "../protocol/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const res = errorResponse(new KezError("conflict", "expected seq 3, got 5"), createLogger("error"));
 * if (res.status !== 409) throw new Error(String(res.status));
 * ```
 */
export function errorResponse(error: unknown, log: Logger, headers: HeadersInit = {}): Response {
  if (error instanceof KezError) {
    if (error.code === "unavailable" || error.code === "internal") {
      log.warn(`${error.message}${error.cause ? `: ${String(error.cause)}` : ""}`);
    }
    const body = { error: { code: error.code, message: error.message } };
    return jsonResponse(STATUS[error.code], body, headers);
  }
  log.error(`internal error: ${error instanceof Error ? error.stack ?? error.message : error}`);
  const body = { error: { code: "internal", message: "Internal server error" } };
  return jsonResponse(500, body, headers);
}
