/**
 * The whole command line: the server's flags, or a maintenance command
 * (`backup`, `verify`, `stats`, `healthcheck`) and its own.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseBind } from "./bind.ts";
import { databasePath, type Env, parseServe, type ServeCommand } from "./config.ts";
import { DEFAULTS } from "./defaults.ts";
import { COMMAND_USAGE } from "./usage.ts";

/** The maintenance commands. */
export type MaintenanceName = keyof typeof COMMAND_USAGE;

/** What the command line asks for. */
export type Command =
  | ServeCommand
  | { readonly kind: "backup"; readonly db: string; readonly file: string }
  | { readonly kind: "verify"; readonly db: string }
  | { readonly kind: "stats"; readonly db: string }
  | { readonly kind: "healthcheck"; readonly url: string };

/**
 * Reads the command line and environment. A first argument that is not a
 * flag names a maintenance command; without one, the server runs.
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
 * ```
 */
export function parseCommand(args: readonly string[], env: Env): Command {
  const [first, ...rest] = args;
  if (first === undefined || first.startsWith("-")) return parseServe(args, env);
  if (!Object.hasOwn(COMMAND_USAGE, first)) {
    throw new TypeError(`Unknown command '${first}'`);
  }
  return parseMaintenance(first as MaintenanceName, rest, env);
}

function parseMaintenance(name: MaintenanceName, args: string[], env: Env): Command {
  const { values, positionals } = parseArgs({
    args,
    options: {
      db: { type: "string" },
      url: { type: "string" },
      bind: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { kind: "help", text: COMMAND_USAGE[name] };
  const allowed = name === "healthcheck" ? ["url", "bind"] : ["db"];
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
    case "backup":
      return { kind: "backup", db: databasePath(values.db, env), file: positionals[0]! };
    case "verify":
    case "stats":
      return { kind: name, db: databasePath(values.db, env) };
    case "healthcheck":
      return { kind: "healthcheck", url: healthUrl(values.url, values.bind ?? env("KEZ_BIND")) };
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
