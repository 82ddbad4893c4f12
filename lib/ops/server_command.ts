/**
 * The shape of a `kez-sig-server` command (`mirror`, `backup`, `verify`,
 * `stats`, `healthcheck`, `migrate`): a row of the binary's command table,
 * as `kez`'s commands are rows of its own, run with the environment and an
 * output, and answering an exit status.
 *
 * @module
 */

import type { Env } from "../config/mod.ts";
import { type TableCommand, UsageError } from "../runtime/command_table.ts";

/** Where a command's output goes: one call per line. */
export interface Output {
  /** The result, on standard output. @param line the line */
  out(line: string): void;
  /** Failures, on standard error. @param line the line */
  err(line: string): void;
}

/** What the binary gives each command. */
export interface ServerContext {
  /** Reads an environment variable. */
  readonly env: Env;
  /** Where lines go. */
  readonly output: Output;
}

/** One command of `kez-sig-server`: it answers the process's exit status. */
export type ServerCommand = TableCommand<ServerContext, number>;

/** The process's console, as an {@linkcode Output}. */
export const CONSOLE: Output = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Reads a command's arguments with a parser of the configuration, whose bad
 * values are `TypeError`s: here they become the usage errors they are, and
 * only they, so that a failure of the work itself (a `TypeError` from
 * `fetch`, say) is never taken for one.
 *
 * @param command the command's name, for its `--help` hint
 * @param parse reads the arguments
 * @returns what `parse` returns
 * @throws {UsageError} for a bad flag, argument or value
 *
 * @example
 * ```ts
 * import { readArgs } from "./server_command.ts";
 * import { UsageError } from "../runtime/command_table.ts";
 * try {
 *   readArgs("stats", () => { throw new TypeError("Cannot use database path: it is empty"); });
 *   throw new Error("not reached");
 * } catch (e) {
 *   if (!(e instanceof UsageError) || e.command !== "stats") throw e;
 * }
 * ```
 */
export function readArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(e.message, command);
    throw e;
  }
}

/**
 * A count and its noun, singular for one.
 *
 * @param n the count
 * @param word the singular
 * @param words the plural
 * @returns e.g. `1 event`, `3 events`
 *
 * @example
 * ```ts
 * import { plural } from "./server_command.ts";
 * if (plural(1, "leaf", "leaves") !== "1 leaf" || plural(2, "event") !== "2 events") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
