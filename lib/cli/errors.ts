/**
 * The CLI's two expected failures besides the protocol's `KezError`: a
 * command line it cannot understand (exit 2) and a failure with no spec code
 * (exit 1). Both print as one line, without a stack trace.
 *
 * @module
 */

/**
 * The command line cannot be understood: an unknown command or flag, a
 * missing or extra argument, a malformed secret or URL. Exit status 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const e = new UsageError("Missing argument <subject>", "sigchain add");
 * if (e.command !== "sigchain add" || e.name !== "UsageError") throw new Error("unexpected");
 * ```
 */
export class UsageError extends Error {
  /** The command whose `--help` explains the usage, or undefined for `kez` itself. */
  readonly command: string | undefined;

  /**
   * @param message what is wrong, for people
   * @param command the command being run, if known
   */
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

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
