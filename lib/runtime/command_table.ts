/**
 * The one shape of a command line, for both binaries: a table of commands,
 * each named by one or two words and owning its help and its flags; the
 * binary finds the command by its words, answers `--help` from the table,
 * and runs it on the rest of the arguments.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * The command line cannot be understood: an unknown command or flag, a
 * missing or extra argument, a malformed value. Both binaries exit 2 for it
 * and point to the command's `--help`.
 *
 * @example
 * ```ts
 * import { UsageError } from "./command_table.ts";
 * const e = new UsageError("Missing argument <subject>", "sigchain add");
 * if (e.command !== "sigchain add" || e.name !== "UsageError") throw new Error("unexpected");
 * ```
 */
export class UsageError extends Error {
  /** The command whose `--help` explains the usage, or undefined for the binary itself. */
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

/** One command of a binary's table. */
export interface TableCommand<Ctx, Result> {
  /** The words that name it, e.g. `sigchain add` or `backup`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text. */
  readonly usage: string;
  /**
   * Runs the command.
   *
   * @param args the arguments after the command's name
   * @param ctx what the binary gives every command
   * @returns what the binary prints or exits with
   * @throws {UsageError} for arguments the command cannot understand
   */
  run(args: string[], ctx: Ctx): Promise<Result>;
}

/**
 * Finds the command an argument list names: the one whose words begin it.
 *
 * @param table the binary's commands
 * @param args the arguments after the program name
 * @returns the command, or undefined when none is named
 *
 * @example
 * ```ts
 * import { findCommand } from "./command_table.ts";
 * const table = [{ name: "log trust" }, { name: "stats" }];
 * if (findCommand(table, ["log", "trust", "x"])?.name !== "log trust") throw new Error("two words");
 * if (findCommand(table, ["stats", "--db", "a.db"])?.name !== "stats") throw new Error("one word");
 * if (findCommand(table, ["log"]) !== undefined) throw new Error("a group alone names none");
 * ```
 */
export function findCommand<T extends { readonly name: string }>(
  table: readonly T[],
  args: readonly string[],
): T | undefined {
  return table.find((command) => {
    const words = command.name.split(" ");
    return words.every((word, i) => args[i] === word);
  });
}

/**
 * The command list of a help text: a line per command, names aligned.
 *
 * @param table the commands to list
 * @param width the column where summaries start
 * @returns the lines, joined by newlines
 *
 * @example
 * ```ts
 * import { commandList } from "./command_table.ts";
 * const text = commandList([{ name: "stats", summary: "count events" }], 8);
 * if (text !== "  stats   count events") throw new Error(JSON.stringify(text));
 * ```
 */
export function commandList(
  table: readonly { readonly name: string; readonly summary: string }[],
  width = 18,
): string {
  return table.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n");
}

/**
 * Whether an argument list gives one of some flags before any `--`, after
 * which flags are positionals: `-h`/`--help`, say, or `--json`.
 *
 * @param args the arguments after the command's name
 * @param flags the flags, each as written (`-h`, `--help`)
 * @returns true when one of them is given
 *
 * @example
 * ```ts
 * import { givesFlag } from "./command_table.ts";
 * if (!givesFlag(["x", "--help"], "-h", "--help")) throw new Error("given");
 * if (givesFlag(["--", "-h"], "-h", "--help")) throw new Error("a positional after --");
 * ```
 */
export function givesFlag(args: readonly string[], ...flags: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => flags.includes(arg));
}

/**
 * Parses a command's arguments strictly, turning every parse error into a
 * usage error, and checks the number of positionals.
 *
 * @param command the command's name, for messages
 * @param config the `parseArgs` configuration, without `strict`
 * @param names the positional arguments the command requires, in order
 * @returns the parsed flags and positionals
 * @throws {UsageError} for an unknown flag, a missing value, or a missing or extra argument
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./command_table.ts";
 * const { values, positionals } = parseCommandArgs("backup", {
 *   args: ["/backups/a.db", "--db", "a.db"],
 *   options: { db: { type: "string" } },
 *   allowPositionals: true,
 * }, ["file"]);
 * if (values.db !== "a.db" || positionals[0] !== "/backups/a.db") throw new Error("unexpected");
 * ```
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
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
