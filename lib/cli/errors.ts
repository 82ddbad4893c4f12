/**
 * The CLI's two expected failures besides the protocol's `KezError`: a
 * command line it cannot understand (exit 2) and a failure with no spec code
 * (exit 1). Both print as one line, without a stack trace.
 *
 * @module
 */

export { UsageError } from "../runtime/command_table.ts";

/**
 * An expected failure that has no spec code, such as nothing to export.
 * Exit status 1.
 *
 * @example
 * ```ts
 * import { CliError } from "./errors.ts";
 * if (new CliError("Cannot export chain: no local events").name !== "CliError") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export class CliError extends Error {
  /**
   * @param message what went wrong, for people
   * @param options the underlying cause, if any
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
  }
}
