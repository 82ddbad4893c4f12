/**
 * The server's configuration from flags and environment variables (spec §9):
 * a flag beats its variable, which beats the default.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from "../log/mod.ts";
import { type BindAddress, parseBind } from "./bind.ts";
import { defaultLogKeyPath } from "../store/log_key.ts";
import { isPostgresUrl } from "../store/pg_url.ts";
import { isKeyName } from "../tlog/mod.ts";
import { DEFAULTS } from "./defaults.ts";
import { wholeNumber } from "./whole_number.ts";
import { type WitnessingConfig, witnessingConfig } from "./witness_command.ts";
import { BODY_TIMEOUT_MS } from "../protocol/mod.ts";

/** Everything the server is told at start. */
export interface Config {
  /** Where to listen. */
  readonly bind: BindAddress;
  /** The SQLite database file, or a PostgreSQL URL (`postgres://…`). */
  readonly db: string;
  /** The least severe log level written. */
  readonly logLevel: LogLevel;
  /** The log line form. */
  readonly logFormat: LogFormat;
  /** Whether `GET /metrics` is served. */
  readonly metrics: boolean;
  /** How many threads verify signatures; 0 verifies on the thread that serves HTTP. */
  readonly verifyWorkers: number;
  /** How long a POST body may take to arrive, in milliseconds, before its `408`. */
  readonly bodyTimeoutMs: number;
  /** The memory, in MiB, that a SQLite store's cache of chains may hold. */
  readonly cacheMb: number;
  /** The transparency log (spec §10), or null when it is turned off. */
  readonly log: LogConfig | null;
  /** Asking witnesses to cosign the log's checkpoints, or null without a witness policy. */
  readonly witnessing: WitnessingConfig | null;
}

/** The transparency log's settings (spec §10.2). */
export interface LogConfig {
  /** The origin line of checkpoints, also the key's name. */
  readonly origin: string;
  /** The key file; null for an in-memory database's key, made at each start. */
  readonly keyFile: string | null;
  /**
   * `--new-log-key`: the operator chose to sign a database's existing log
   * under a new key, its key file being lost. Without it (absent, as it is
   * unless given), a database whose log has a signed checkpoint and whose key
   * file is missing is refused.
   */
  readonly newKey?: true;
}

/** What the server's command line asks for. */
export type ServeCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "serve"; readonly config: Config };

/** Reads an environment variable. */
export type Env = (name: string) => string | undefined;

/** Most signature-verification threads: more than cores only adds contention. */
const MAX_VERIFY_WORKERS = 64;

/** The server's flags, as `node:util` `parseArgs` takes them; the mirror takes them too. */
export const SERVE_OPTIONS = {
  bind: { type: "string" },
  db: { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  metrics: { type: "string" },
  "verify-workers": { type: "string" },
  "body-timeout": { type: "string" },
  "cache-mb": { type: "string" },
  "log-origin": { type: "string" },
  "log-key": { type: "string" },
  "transparency-log": { type: "string" },
  "new-log-key": { type: "boolean" },
  "witness-policy": { type: "string" },
  "witness-interval": { type: "string" },
  "witness-quota": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** The values of {@linkcode SERVE_OPTIONS} as `parseArgs` returns them. */
export type ServeValues = { readonly [K in keyof typeof SERVE_OPTIONS]?: string | boolean };

/**
 * Reads the server's flags and environment.
 *
 * @param args the arguments after the program name
 * @param env reads an environment variable
 * @returns help, version, or the configuration to serve with
 * @throws {TypeError} for an unknown flag, a missing value or a bad value
 *
 * @example
 * ```ts
 * import { parseServe } from "./config.ts";
 * const env = (name: string) => ({ KEZ_DB: "/data/a.db", KEZ_METRICS: "false" } as Record<string, string>)[name];
 * const cmd = parseServe(["--log-format", "json"], env);
 * if (cmd.kind !== "serve" || cmd.config.db !== "/data/a.db" || cmd.config.metrics) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseServe(args: readonly string[], env: Env): ServeCommand {
  const { values } = parseArgs({
    args: [...args],
    options: SERVE_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  return { kind: "serve", config: serveConfig(values, env) };
}

/**
 * Builds the configuration from the parsed server flags and the environment:
 * a flag beats its variable, which beats the default.
 *
 * @param values the parsed values of {@linkcode SERVE_OPTIONS}
 * @param env reads an environment variable
 * @returns the configuration
 * @throws {TypeError} for a bad value
 *
 * @example
 * ```ts
 * import { serveConfig } from "./config.ts";
 * const config = serveConfig({ bind: "127.0.0.1:0" }, () => undefined);
 * if (config.bind.port !== 0 || config.log?.origin !== "localhost/kez-sig-server") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function serveConfig(values: ServeValues, env: Env): Config {
  const flag = (name: keyof typeof SERVE_OPTIONS) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const db = databasePath(flag("db"), env);
  const logOn = parseSwitch(
    "transparency-log",
    flag("transparency-log") ?? env("KEZ_TRANSPARENCY_LOG") ?? DEFAULTS.transparencyLog,
  );
  // A flag only, never a variable: it is a decision for one start, not a setting to keep.
  const newKey = values["new-log-key"] === true;
  if (newKey && !logOn) {
    throw new TypeError("Cannot use --new-log-key: the transparency log is off");
  }
  if (isPostgresUrl(db)) checkPostgresLog(logOn, newKey, flag("log-key") ?? env("KEZ_LOG_KEY"));
  return {
    bind: parseBind(flag("bind") ?? env("KEZ_BIND") ?? DEFAULTS.bind),
    db,
    logLevel: parseLogLevel(
      flag("log-level") ?? env("KEZ_LOG") ?? env("RUST_LOG") ?? DEFAULTS.logLevel,
    ),
    logFormat: parseLogFormat(flag("log-format") ?? env("KEZ_LOG_FORMAT") ?? DEFAULTS.logFormat),
    metrics: parseSwitch("metrics", flag("metrics") ?? env("KEZ_METRICS") ?? DEFAULTS.metrics),
    verifyWorkers: parseWorkers(flag("verify-workers") ?? env("KEZ_VERIFY_WORKERS")),
    bodyTimeoutMs: parseBodyTimeout(flag("body-timeout") ?? env("KEZ_BODY_TIMEOUT")),
    cacheMb: parseCacheMb(flag("cache-mb") ?? env("KEZ_CACHE_MB") ?? DEFAULTS.cacheMb),
    log: logOn
      ? {
        origin: parseOrigin(flag("log-origin") ?? env("KEZ_LOG_ORIGIN") ?? DEFAULTS.logOrigin),
        keyFile: logKeyPath(flag("log-key") ?? env("KEZ_LOG_KEY"), db),
        ...(newKey ? { newKey } : {}),
      }
      : null,
    witnessing: witnessingConfig(logOn, flag, env),
  };
}

/**
 * Every server on one PostgreSQL database signs the one log with one key,
 * which must come from a file that each of them is given: there is no
 * database file to put a default key file beside.
 */
function checkPostgresLog(logOn: boolean, newKey: boolean, keyFile: string | undefined): void {
  if (!logOn) {
    throw new TypeError(
      "Cannot turn the transparency log off on a PostgreSQL database: its store keeps the one log of every server",
    );
  }
  if (newKey) throw new TypeError("Cannot use --new-log-key on a PostgreSQL database");
  if (keyFile === undefined) {
    throw new TypeError(
      "Cannot use a PostgreSQL database without --log-key (or KEZ_LOG_KEY): every server on it signs the log with the same key file",
    );
  }
}

function parseOrigin(text: string): string {
  if (!isKeyName(text)) {
    throw new TypeError(
      `Cannot use log origin ${JSON.stringify(text)}: it must be non-empty, without spaces or "+"`,
    );
  }
  return text;
}

/**
 * The log's key file from `--log-key`, else `KEZ_LOG_KEY`, else `<db>-log.key`.
 *
 * @param flag the `--log-key` value or `KEZ_LOG_KEY`, if given
 * @param db the database path
 * @returns the path, or null for `":memory:"` without one
 * @throws {TypeError} when it is empty
 *
 * @example
 * ```ts
 * import { logKeyPath } from "./config.ts";
 * if (logKeyPath(undefined, "/data/a.db") !== "/data/a.db-log.key") throw new Error("default");
 * ```
 */
export function logKeyPath(flag: string | undefined, db: string): string | null {
  if (flag === "") throw new TypeError("Cannot use log key path: it is empty");
  return flag ?? defaultLogKeyPath(db);
}

/**
 * The database path from `--db`, else `KEZ_DB`, else the default.
 *
 * @param flag the `--db` value, if given
 * @param env reads an environment variable
 * @returns the path
 * @throws {TypeError} when it is empty
 *
 * @example
 * ```ts
 * import { databasePath } from "./config.ts";
 * if (databasePath(undefined, () => undefined) !== "kez-sigchains.db") throw new Error("default");
 * ```
 */
export function databasePath(flag: string | undefined, env: Env): string {
  const db = flag ?? env("KEZ_DB") ?? DEFAULTS.db;
  if (db === "") throw new TypeError("Cannot use database path: it is empty");
  return db;
}

function parseSwitch(name: string, text: string): boolean {
  if (text === "true" || text === "false") return text === "true";
  throw new TypeError(`Cannot parse ${name} setting "${text}": expected true or false`);
}

/** The longest body timeout: past an hour a stalled client holds its request for no purpose. */
const MAX_BODY_TIMEOUT_S = 3600;

function parseBodyTimeout(text: string | undefined): number {
  if (text === undefined) return BODY_TIMEOUT_MS;
  const n = wholeNumber(text, 1, MAX_BODY_TIMEOUT_S);
  if (n === undefined) {
    throw new TypeError(
      `Cannot use a body timeout of ${
        JSON.stringify(text)
      }: expected whole seconds from 1 to ${MAX_BODY_TIMEOUT_S}`,
    );
  }
  return n * 1000;
}

/** The largest chain cache: past it, the 96 MiB V8 heap of `deno task start` would not hold it. */
const MAX_CACHE_MB = 64;

function parseCacheMb(text: string): number {
  const n = wholeNumber(text, 0, MAX_CACHE_MB);
  if (n === undefined) {
    throw new TypeError(
      `Cannot use a ${text} MiB chain cache: expected a whole number from 0 to ${MAX_CACHE_MB}`,
    );
  }
  return n;
}

function parseWorkers(text: string | undefined): number {
  // One core is the serving thread's: measured on 2 cores, a second verifier
  // raised no rate and cost its isolate's memory.
  if (text === undefined) {
    return Math.max(1, Math.min(navigator.hardwareConcurrency - 1, MAX_VERIFY_WORKERS));
  }
  const n = wholeNumber(text, 0, MAX_VERIFY_WORKERS);
  if (n === undefined) {
    throw new TypeError(
      `Cannot use ${text} verify workers: expected a whole number from 0 to ${MAX_VERIFY_WORKERS}`,
    );
  }
  return n;
}
