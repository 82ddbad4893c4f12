/**
 * The server's configuration from flags and environment variables (spec §9):
 * a flag beats its variable, which beats the default.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type LogLevel, parseLogLevel } from "../log/mod.ts";
import { type BindAddress, parseBind } from "./bind.ts";

/** Everything the server is told at start. */
export interface Config {
  /** Where to listen. */
  readonly bind: BindAddress;
  /** The SQLite database file. */
  readonly db: string;
  /** The least severe log level written. */
  readonly logLevel: LogLevel;
  /** How many threads verify signatures; 0 verifies on the thread that serves HTTP. */
  readonly verifyWorkers: number;
}

/** What the command line asks for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "serve"; readonly config: Config };

/** The defaults of spec §9. */
export const DEFAULTS = { bind: "0.0.0.0:7878", db: "kez-sigchains.db", logLevel: "info" } as const;

/** Most signature-verification threads: more than cores only adds contention. */
const MAX_VERIFY_WORKERS = 64;

/** The `--help` text. */
export const USAGE = `kez-sig-server: the KEZ sigchain server

Usage: kez-sig-server [options]

Options:
  --bind <host:port>    address to listen on   (env KEZ_BIND; default ${DEFAULTS.bind})
  --db <path>           SQLite database file    (env KEZ_DB; default ${DEFAULTS.db})
  --log-level <level>   error|warn|info|debug|trace, or a RUST_LOG-style list
                        (env KEZ_LOG, else RUST_LOG; default ${DEFAULTS.logLevel})
  --verify-workers <n>  threads that verify signatures, 0 for none
                        (env KEZ_VERIFY_WORKERS; default: the number of cores)
  -h, --help            print this help and exit
  -V, --version         print the version and exit
`;

/**
 * Reads the command line and environment.
 *
 * @param args the arguments after the program name
 * @param env reads an environment variable
 * @returns what to do
 * @throws {TypeError} for an unknown flag, a missing value or a bad value
 *
 * @example
 * ```ts
 * import { parseCommand } from "./config.ts";
 * const env = (name: string) => ({ KEZ_DB: "/data/a.db", RUST_LOG: "debug" } as Record<string, string>)[name];
 * const cmd = parseCommand(["--bind", "127.0.0.1:9000"], env);
 * if (cmd.kind !== "serve" || cmd.config.db !== "/data/a.db" || cmd.config.logLevel !== "debug") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseCommand(
  args: readonly string[],
  env: (name: string) => string | undefined,
): Command {
  const { values } = parseArgs({
    args: [...args],
    options: {
      bind: { type: "string" },
      db: { type: "string" },
      "log-level": { type: "string" },
      "verify-workers": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const db = values.db ?? env("KEZ_DB") ?? DEFAULTS.db;
  if (db === "") throw new TypeError("Cannot use database path: it is empty");
  return {
    kind: "serve",
    config: {
      bind: parseBind(values.bind ?? env("KEZ_BIND") ?? DEFAULTS.bind),
      db,
      logLevel: parseLogLevel(
        values["log-level"] ?? env("KEZ_LOG") ?? env("RUST_LOG") ?? DEFAULTS.logLevel,
      ),
      verifyWorkers: parseWorkers(values["verify-workers"] ?? env("KEZ_VERIFY_WORKERS")),
    },
  };
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return Math.min(navigator.hardwareConcurrency, MAX_VERIFY_WORKERS);
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n > MAX_VERIFY_WORKERS) {
    throw new TypeError(
      `Cannot use ${text} verify workers: expected a whole number from 0 to ${MAX_VERIFY_WORKERS}`,
    );
  }
  return n;
}
