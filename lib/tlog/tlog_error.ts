/**
 * The failure of a transparency check: a signature, inclusion or consistency
 * that does not hold. Malformed input is a `SyntaxError` instead, and
 * impossible arguments a `RangeError`.
 *
 * @module
 */

/**
 * A transparency check failed: evidence that the log, or what served it, is
 * not what it claims.
 *
 * @example
 * ```ts
 * import { TlogError } from "./tlog_error.ts";
 * const e = new TlogError("inclusion proof does not lead to the checkpoint's root");
 * if (e.name !== "TlogError" || !(e instanceof Error)) throw new Error("unexpected");
 * ```
 */
export class TlogError extends Error {
  /**
   * Makes the error of a failed check.
   *
   * @param message what failed, for people
   * @param options the underlying cause, if any
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TlogError";
  }
}
