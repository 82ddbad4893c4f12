/**
 * The shape of a CLI command: its help, its flags, and a run that returns a
 * report printed as text or, with `--json`, as one JSON object.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import type { ClientOptions, LogVerifier } from "../client/mod.ts";
import { UsageError } from "./errors.ts";
import type { Io } from "./io.ts";

/** What a command needs from its surroundings. */
export interface Context {
  /** The environment and standard streams. */
  readonly io: Io;
  /** The `fetch` and signal for the network, and the log verifier of every server read. */
  readonly client: ClientOptions;
  /** Checks servers' transparency logs; the one `client.log` holds. */
  readonly log: LogVerifier;
}

/** What a command found: text lines, the same as JSON, and its exit status. */
export interface Report {
  /** 0 for success, 1 for a negative answer (not active, invalid, fork). */
  readonly code: 0 | 1;
  /** The text output, one line each. */
  readonly lines: readonly string[];
  /** The `--json` output. */
  readonly json: unknown;
  /** Lines for standard error, such as sources that could not be read. */
  readonly warnings?: readonly string[];
}

/** One command of `kez`. */
export interface Command {
  /** The words that name it, e.g. `sigchain add`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text. */
  readonly usage: string;
  /**
   * Runs the command.
   *
   * @param args the arguments after the command's name
   * @param ctx the surroundings
   * @returns the report
   */
  run(args: string[], ctx: Context): Promise<Report>;
}

/**
 * The flags every command takes. `--help` is answered before a command runs.
 *
 * @example
 * ```ts
 * import { COMMON_FLAGS } from "./command.ts";
 * if (COMMON_FLAGS.json.type !== "boolean") throw new Error("unexpected");
 * ```
 */
export const COMMON_FLAGS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const;

/**
 * Parses a command's arguments strictly, turning every parse error into a
 * usage error, and checks the number of positionals.
 *
 * @param command the command, for messages
 * @param config the `parseArgs` configuration, without `strict`
 * @param names the positional arguments the command requires, in order
 * @returns the parsed flags and positionals
 * @throws {UsageError} for an unknown flag, a missing value, or a missing or extra argument
 *
 * @example
 * ```ts
 * import { COMMON_FLAGS, parseCommand } from "./command.ts";
 * const { values, positionals } = parseCommand("sigchain add", {
 *   args: ["github:jason", "--json"],
 *   options: { ...COMMON_FLAGS },
 *   allowPositionals: true,
 * }, ["subject"]);
 * if (values.json !== true || positionals[0] !== "github:jason") throw new Error("unexpected");
 * ```
 */
export function parseCommand<T extends ParseArgsConfig>(
  command: string,
  config: T,
  names: readonly string[],
): ReturnType<typeof parseArgs<T>> {
  let parsed;
  try {
    parsed = parseArgs<T>({ ...config, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
  const count = parsed.positionals.length;
  if (count < names.length) {
    throw new UsageError(`Missing argument <${names[count]}>`, command);
  }
  if (count > names.length) {
    throw new UsageError(`Unexpected argument '${parsed.positionals[names.length]}'`, command);
  }
  return parsed;
}
