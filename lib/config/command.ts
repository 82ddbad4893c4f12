/**
 * The whole command line: the server's flags, the `mirror` command with the
 * server's flags and its own, or a maintenance command (`backup`, `verify`,
 * `stats`, `healthcheck`, `migrate`) and its own.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseBind } from "./bind.ts";
import {
  type Config,
  databasePath,
  type Env,
  logKeyPath,
  parseServe,
  SERVE_OPTIONS,
  type ServeCommand,
  serveConfig,
} from "./config.ts";
import { DEFAULTS } from "./defaults.ts";
import { isPostgresUrl } from "../store/pg_url.ts";
import { COMMAND_USAGE, MIRROR_USAGE } from "./usage.ts";
import { parseWitness, type WitnessCommand } from "./witness_command.ts";

/** The maintenance commands. */
export type MaintenanceName = keyof typeof COMMAND_USAGE;

/** What the command line asks for. */
export type Command =
  | ServeCommand
  | MirrorCommand
  | WitnessCommand
  | {
    readonly kind: "backup";
    readonly db: string;
    readonly file: string;
    /** The log's key file to copy beside the backup, as the server finds it. */
    readonly keyFile: string | null;
  }
  | { readonly kind: "verify"; readonly db: string }
  | { readonly kind: "stats"; readonly db: string }
  | {
    readonly kind: "migrate";
    /** The SQLite file to copy. */
    readonly from: string;
    /** The empty PostgreSQL database to copy it into. */
    readonly to: string;
  }
  | { readonly kind: "healthcheck"; readonly url: string };

/** The `mirror` command: serve as the server does, following an upstream read-only. */
export interface MirrorCommand {
  /** Which command. */
  readonly kind: "mirror";
  /** The server's configuration; its transparency log is on. */
  readonly config: Config;
  /** The upstream's base URL, without a trailing slash. */
  readonly upstream: string;
  /** How long to wait between polls once caught up, in milliseconds. */
  readonly pollMs: number;
}

/** The default of `--poll-interval`, in milliseconds. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** The longest `--poll-interval`: an hour. */
const MAX_POLL_INTERVAL_MS = 3_600_000;

/**
 * Reads the command line and environment. A first argument that is not a
 * flag names a command (`mirror` or a maintenance command); without one, the
 * server runs.
 *
 * @param args the arguments after the program name
 * @param env reads an environment variable
 * @returns what to do
 * @throws {TypeError} for an unknown command or flag, a missing value or a bad value
 *
 * @example
 * ```ts
 * import { parseCommand } from "./command.ts";
 * const env = (name: string) => ({ KEZ_DB: "/data/a.db" } as Record<string, string>)[name];
 * const cmd = parseCommand(["backup", "/backups/a.db"], env);
 * if (cmd.kind !== "backup" || cmd.db !== "/data/a.db" || cmd.file !== "/backups/a.db") {
 *   throw new Error("unexpected");
 * }
 * if (parseCommand(["--bind", "127.0.0.1:9000"], env).kind !== "serve") throw new Error("serve");
 * const mirror = parseCommand(["mirror", "--upstream", "https://kez.example/"], env);
 * if (mirror.kind !== "mirror" || mirror.upstream !== "https://kez.example") throw new Error("mirror");
 * ```
 */
export function parseCommand(args: readonly string[], env: Env): Command {
  const [first, ...rest] = args;
  if (first === undefined || first.startsWith("-")) return parseServe(args, env);
  if (first === "mirror") return parseMirror(rest, env);
  if (first === "witness") return parseWitness(rest, env);
  if (!Object.hasOwn(COMMAND_USAGE, first)) {
    throw new TypeError(`Unknown command '${first}'`);
  }
  return parseMaintenance(first as MaintenanceName, rest, env);
}

function parseMirror(args: string[], env: Env): Command {
  const { values } = parseArgs({
    args,
    options: {
      ...SERVE_OPTIONS,
      upstream: { type: "string" },
      "poll-interval": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { kind: "help", text: MIRROR_USAGE };
  if (values.version) return { kind: "version" };
  const upstream = values.upstream ?? env("KEZ_UPSTREAM");
  if (upstream === undefined) {
    throw new TypeError("Cannot start mirror: --upstream <url> is required");
  }
  const config = serveConfig(values, env);
  if (config.log === null) {
    throw new TypeError(
      "Cannot start mirror: a mirror keeps the transparency log; --transparency-log must be true",
    );
  }
  return {
    kind: "mirror",
    config,
    upstream: parseUpstream(upstream),
    pollMs: parsePollInterval(values["poll-interval"] ?? env("KEZ_POLL_INTERVAL")),
  };
}

/** An http(s) base URL without a trailing slash, so that API paths append to it. */
function parseUpstream(text: string): string {
  const url = URL.parse(text);
  if (
    url === null || !["http:", "https:"].includes(url.protocol) || url.search !== "" ||
    url.hash !== ""
  ) {
    throw new TypeError(
      `Cannot use upstream "${text}": expected an http:// or https:// URL without query or fragment`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function parsePollInterval(text: string | undefined): number {
  if (text === undefined) return DEFAULT_POLL_INTERVAL_MS;
  const ms = Number(text);
  if (!/^[0-9]+$/.test(text) || ms < 1 || ms > MAX_POLL_INTERVAL_MS) {
    throw new TypeError(
      `Cannot use poll interval "${text}": expected milliseconds from 1 to ${MAX_POLL_INTERVAL_MS}`,
    );
  }
  return ms;
}

function parseMaintenance(name: MaintenanceName, args: string[], env: Env): Command {
  const { values, positionals } = parseArgs({
    args,
    options: {
      db: { type: "string" },
      "log-key": { type: "string" },
      url: { type: "string" },
      bind: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { kind: "help", text: COMMAND_USAGE[name] };
  const allowed = name === "healthcheck"
    ? ["url", "bind"]
    : name === "backup"
    ? ["db", "log-key"]
    : name === "migrate"
    ? ["from", "to"]
    : ["db"];
  const extra = Object.keys(values).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw new TypeError(`Unknown option '--${extra}' for ${name}`);
  const wanted = name === "backup" ? 1 : 0;
  if (positionals.length !== wanted) {
    throw new TypeError(
      name === "backup"
        ? "Cannot back up database: expected one backup file"
        : `Unexpected argument '${positionals[0]}' for ${name}`,
    );
  }
  switch (name) {
    case "backup": {
      const db = databasePath(values.db, env);
      const keyFile = logKeyPath(values["log-key"] ?? env("KEZ_LOG_KEY"), db);
      return { kind: "backup", db, file: positionals[0]!, keyFile };
    }
    case "verify":
    case "stats":
      return { kind: name, db: databasePath(values.db, env) };
    case "healthcheck":
      return { kind: "healthcheck", url: healthUrl(values.url, values.bind ?? env("KEZ_BIND")) };
    case "migrate": {
      if (values.from === undefined || values.from === "") {
        throw new TypeError("Cannot migrate: --from <path> (the SQLite file) is required");
      }
      if (values.to === undefined || !isPostgresUrl(values.to)) {
        throw new TypeError("Cannot migrate: --to postgres://user@host:port/name is required");
      }
      return { kind: "migrate", from: values.from, to: values.to };
    }
  }
}

/** The health URL: `--url`, else /v1/healthz on the bind address, reached on loopback. */
function healthUrl(url: string | undefined, bind: string | undefined): string {
  if (url !== undefined) {
    if (!URL.canParse(url)) throw new TypeError(`Cannot parse URL "${url}"`);
    return url;
  }
  const { hostname, port } = parseBind(bind ?? DEFAULTS.bind);
  // A wildcard address accepts connections on every interface, loopback included.
  const host = hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/v1/healthz`;
}
