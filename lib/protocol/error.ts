/**
 * The one error type of the protocol, with the stable codes of spec §6.1.
 *
 * @module
 */

/**
 * Every stable error code of the spec (§6.1, §6.2) with its HTTP status: the
 * one table the server answers by and the client reads answers by. One code
 * goes beyond the spec: `invalid_request`, a request HTTP itself makes
 * unanswerable (a `Host` that is not a host), which the spec's table has no
 * row for.
 *
 * @example
 * ```ts
 * import { ERROR_STATUS } from "./error.ts";
 * if (ERROR_STATUS.conflict !== 409 || ERROR_STATUS.request_timeout !== 408) throw new Error("table");
 * ```
 */
export const ERROR_STATUS = {
  invalid_primary: 400,
  invalid_json: 400,
  invalid_event: 400,
  wrong_primary: 400,
  invalid_signature: 400,
  invalid_op: 400,
  invalid_query: 400,
  invalid_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  request_timeout: 408,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
} as const;

/** A stable error code of the spec (§6.1, §6.2). */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * A failure the protocol names: its `code` is the spec's stable code, its
 * `message` is for people.
 *
 * @example
 * ```ts
 * import { KezError } from "./error.ts";
 * const e = new KezError("conflict", "Cannot append event: expected seq 3, got 5");
 * if (e.code !== "conflict" || e.name !== "KezError") throw new Error("unexpected");
 * ```
 */
export class KezError extends Error {
  /** The spec's stable error code. */
  readonly code: ErrorCode;

  /**
   * @param code the spec's stable error code
   * @param message what went wrong, for people
   * @param options the underlying cause, if any
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KezError";
    this.code = code;
  }
}
