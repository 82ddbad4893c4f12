/**
 * The `witness` command's flags and `--help`: a C2SP tlog-witness for the
 * logs given by `--log` verifier keys or by the `log` lines of a tlog-policy
 * file.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from "../log/mod.ts";
import { type BindAddress, parseBind } from "./bind.ts";
import type { Env } from "./config.ts";
import { DEFAULTS } from "./defaults.ts";
import { HELP_OPTION } from "./usage.ts";
import { wholeNumber } from "./whole_number.ts";
import { isKeyName, parseVerifierKey, type VerifierKey } from "../tlog/mod.ts";

/** The witness's defaults, as they would be written on the command line. */
export const WITNESS_DEFAULTS = {
  bind: "0.0.0.0:7380",
  db: "kez-witness.db",
  name: "localhost/kez-witness",
} as const;

/** The `--help` text of the `witness` command. */
export const WITNESS_USAGE = `Usage: kez-sig-server witness --log <vkey>... [options]
       kez-sig-server witness --policy <file> [options]

Serve a C2SP tlog-witness (POST /add-checkpoint) for the logs named: it checks
each checkpoint the log sends is consistent with the last one it cosigned,
keeps that one per log, and answers a cosignature/v1 line.

Options:
  --log <vkey>          a log to witness, by its verifier key; repeat for more
  --policy <file>       a C2SP tlog-policy file whose log lines are the logs to witness
  --name <name>         the witness's key name (env KEZ_WITNESS_NAME; default ${WITNESS_DEFAULTS.name})
  --key <path>          the witness's Ed25519 seed in hex, made at first start (mode 0600)
                        (env KEZ_WITNESS_KEY; default: <db>-witness.key)
  --db <path>           the witness's SQLite state (env KEZ_WITNESS_DB; default ${WITNESS_DEFAULTS.db})
  --bind <host:port>    address to listen on (env KEZ_WITNESS_BIND; default ${WITNESS_DEFAULTS.bind})
  --log-level <level>   error|warn|info|debug|trace (env KEZ_LOG; default ${DEFAULTS.logLevel})
  --log-format <form>   pretty|json (env KEZ_LOG_FORMAT; default ${DEFAULTS.logFormat})
${HELP_OPTION}

At start it writes its verifier key (type 0x04) to the log, for the policies of
the logs it witnesses.`;

/** The `witness` command. */
export interface WitnessCommand {
  /** Which command. */
  readonly kind: "witness";
  /** The witness's key name. */
  readonly name: string;
  /** The key file. */
  readonly keyFile: string;
  /** The state's SQLite file. */
  readonly db: string;
  /** Where to listen. */
  readonly bind: BindAddress;
  /** The logs given by `--log`. */
  readonly logs: readonly VerifierKey[];
  /** The policy file whose logs to witness too, if given. */
  readonly policyFile: string | null;
  /** The least severe log level written. */
  readonly logLevel: LogLevel;
  /** The log line form. */
  readonly logFormat: LogFormat;
}

/**
 * Reads the `witness` command's flags and environment.
 *
 * @param args the arguments after `witness`
 * @param env reads an environment variable
 * @returns the command (`--help` is answered from the binary's command table)
 * @throws {TypeError} for an unknown flag, a bad value, or no log to witness
 *
 * @example
 * ```ts
 * import { parseWitness } from "./witness_command.ts";
 * const cmd = parseWitness(
 *   ["--log", "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "--db", "w.db"],
 *   () => undefined,
 * );
 * if (cmd.keyFile !== "w.db-witness.key" || cmd.logs.length !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseWitness(
  args: readonly string[],
  env: Env,
): WitnessCommand {
  const { values } = parseArgs({
    args: [...args],
    options: {
      log: { type: "string", multiple: true },
      policy: { type: "string" },
      name: { type: "string" },
      key: { type: "string" },
      db: { type: "string" },
      bind: { type: "string" },
      "log-level": { type: "string" },
      "log-format": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const logs = (values.log ?? []).map((text) => {
    try {
      return parseVerifierKey(text);
    } catch (e) {
      throw new TypeError(`Cannot use --log ${text}: ${(e as Error).message}`);
    }
  });
  const policyFile = values.policy ?? null;
  if (logs.length === 0 && policyFile === null) {
    throw new TypeError("Cannot start witness: give the logs to witness, --log <vkey> or --policy");
  }
  const name = values.name ?? env("KEZ_WITNESS_NAME") ?? WITNESS_DEFAULTS.name;
  if (!isKeyName(name)) throw new TypeError(`Cannot use witness name ${JSON.stringify(name)}`);
  const db = values.db ?? env("KEZ_WITNESS_DB") ?? WITNESS_DEFAULTS.db;
  const keyFile = values.key ?? env("KEZ_WITNESS_KEY") ?? `${db}-witness.key`;
  if (db === "" || keyFile === "") throw new TypeError("Cannot use an empty path");
  return {
    kind: "witness",
    name,
    keyFile,
    db,
    bind: parseBind(values.bind ?? env("KEZ_WITNESS_BIND") ?? WITNESS_DEFAULTS.bind),
    logs,
    policyFile,
    logLevel: parseLogLevel(values["log-level"] ?? env("KEZ_LOG") ?? DEFAULTS.logLevel),
    logFormat: parseLogFormat(values["log-format"] ?? env("KEZ_LOG_FORMAT") ?? DEFAULTS.logFormat),
  };
}

/** The server's settings for asking witnesses (`--witness-policy` and its companions). */
export interface WitnessingConfig {
  /** The C2SP tlog-policy file: its witnesses with URLs are asked, its quorum decides. */
  readonly policyFile: string;
  /** The time between rounds, in milliseconds. */
  readonly intervalMs: number;
  /** The most requests a minute to one witness. */
  readonly quotaPerMinute: number;
}

/** The default of `--witness-interval`, in seconds. */
export const DEFAULT_WITNESS_INTERVAL_S = 10;
/** The default of `--witness-quota`, requests a minute to each witness. */
export const DEFAULT_WITNESS_QUOTA = 12;

function whole(name: string, text: string, max: number): number {
  const n = wholeNumber(text, 1, max);
  if (n === undefined) {
    throw new TypeError(`Cannot use --${name} "${text}": expected a whole number from 1 to ${max}`);
  }
  return n;
}

/**
 * Reads the server's witnessing flags and their variables.
 *
 * @param logOn whether the transparency log is on; witnessing needs it
 * @param flag reads a server flag's value
 * @param env reads an environment variable
 * @returns the settings, or null without a policy
 * @throws {TypeError} for a bad value, or a policy with the log off
 *
 * @example
 * ```ts
 * import { witnessingConfig } from "./witness_command.ts";
 * const flags: Record<string, string> = { "witness-policy": "p.txt", "witness-interval": "2" };
 * const config = witnessingConfig(true, (name) => flags[name], () => undefined);
 * if (config?.intervalMs !== 2000 || config.quotaPerMinute !== 12) throw new Error("unexpected");
 * ```
 */
export function witnessingConfig(
  logOn: boolean,
  flag: (name: "witness-policy" | "witness-interval" | "witness-quota") => string | undefined,
  env: Env,
): WitnessingConfig | null {
  const policyFile = flag("witness-policy") ?? env("KEZ_WITNESS_POLICY");
  if (policyFile === undefined) return null;
  if (!logOn) throw new TypeError("Cannot use --witness-policy: the transparency log is off");
  const interval = flag("witness-interval") ?? env("KEZ_WITNESS_INTERVAL");
  const quota = flag("witness-quota") ?? env("KEZ_WITNESS_QUOTA");
  return {
    policyFile,
    intervalMs: 1000 *
      (interval === undefined
        ? DEFAULT_WITNESS_INTERVAL_S
        : whole("witness-interval", interval, 3600)),
    quotaPerMinute: quota === undefined
      ? DEFAULT_WITNESS_QUOTA
      : whole("witness-quota", quota, 600),
  };
}
