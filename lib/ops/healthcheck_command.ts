/**
 * `kez-sig-server healthcheck`: asks a running server's health route, for
 * images with no shell or curl.
 *
 * @module
 */

import { DEFAULTS, type Env, HELP_OPTION, parseBind } from "../config/mod.ts";
import { parseCommandArgs } from "../runtime/command_table.ts";
import { checkHealth } from "./healthcheck.ts";
import { readArgs, type ServerCommand } from "./server_command.ts";

const USAGE = `Usage: kez-sig-server healthcheck [--url <url>] [--bind <host:port>]

Asks a running server's health route and exits 0 when it answers 200
{"status":"ok"} within 5 seconds, else 1. For HEALTHCHECK in images with no
shell or curl.

Options:
  --url <url>           the health URL (default: /v1/healthz on the --bind address,
                        with 0.0.0.0 and :: read as the loopback address)
  --bind <host:port>    the server's address   (env KEZ_BIND; default ${DEFAULTS.bind})
${HELP_OPTION}
`;

/**
 * Reads `healthcheck`'s arguments: the health URL, given or made from the
 * bind address, reached on loopback.
 *
 * @param args the arguments after `healthcheck`
 * @param env reads an environment variable
 * @returns the URL to ask
 * @throws {UsageError} for a flag or argument `healthcheck` does not take
 * @throws {TypeError} for a URL or bind address that cannot be parsed
 *
 * @example
 * ```ts
 * import { parseHealthcheckArgs } from "./healthcheck_command.ts";
 * const url = parseHealthcheckArgs(["--bind", "0.0.0.0:9000"], () => undefined);
 * if (url !== "http://127.0.0.1:9000/v1/healthz") throw new Error(url);
 * ```
 */
export function parseHealthcheckArgs(args: string[], env: Env): string {
  const { values } = parseCommandArgs("healthcheck", {
    args,
    options: { url: { type: "string" }, bind: { type: "string" } },
    allowPositionals: true,
  }, []);
  if (values.url !== undefined) {
    if (!URL.canParse(values.url)) throw new TypeError(`Cannot parse URL "${values.url}"`);
    return values.url;
  }
  const { hostname, port } = parseBind(values.bind ?? env("KEZ_BIND") ?? DEFAULTS.bind);
  // A wildcard address accepts connections on every interface, loopback included.
  const host = hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/v1/healthz`;
}

/** The `healthcheck` command. */
export const HEALTHCHECK_COMMAND: ServerCommand = {
  name: "healthcheck",
  summary: "ask a running server's /v1/healthz; exit 0 when healthy, else 1",
  usage: USAGE,
  async run(args, { env, output }) {
    const url = readArgs("healthcheck", () => parseHealthcheckArgs(args, env));
    const { healthy, detail } = await checkHealth(url);
    output.out(`${healthy ? "healthy" : "unhealthy"}: ${url}: ${detail}`);
    return healthy ? 0 : 1;
  },
};
