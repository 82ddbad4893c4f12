/**
 * The shape of a CLI command: its help, its flags, and a run that returns a
 * report printed as text or, with `--json`, as one JSON object.
 *
 * @module
 */

import type { ClientOptions, LogVerifier } from "../client/mod.ts";
import type { TableCommand } from "../runtime/command_table.ts";
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

/** One command of `kez`: a row of its command table, answering a report. */
export type Command = TableCommand<Context, Report>;

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

// The one parser of both binaries' command tables, for every command here.
export { parseCommandArgs } from "../runtime/command_table.ts";
