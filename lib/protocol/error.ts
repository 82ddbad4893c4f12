/**
 * The one error type of the protocol, with the stable codes of spec §6.1.
 *
 * @module
 */

/** Every stable error code of the spec (§6.1, §6.2). */
export type ErrorCode =
  | "invalid_primary"
  | "invalid_json"
  | "invalid_event"
  | "wrong_primary"
  | "invalid_signature"
  | "invalid_op"
  | "invalid_query"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "internal"
  | "unavailable";

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
