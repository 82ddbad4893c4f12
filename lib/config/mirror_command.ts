/**
 * The `mirror` command's flags: the server's, and what to follow.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Config, type Env, SERVE_OPTIONS, serveConfig } from "./config.ts";
import { wholeNumber } from "./whole_number.ts";

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
 * Reads the `mirror` command's flags and environment. (`--help` is answered
 * from the binary's command table before this runs.)
 *
 * @param args the arguments after `mirror`
 * @param env reads an environment variable
 * @returns what to follow and how to serve, or `--version`
 * @throws {TypeError} for an unknown flag, a missing value or a bad value
 *
 * @example
 * ```ts
 * import { parseMirror } from "./mirror_command.ts";
 * const mirror = parseMirror(["--upstream", "https://kez.example/"], () => undefined);
 * if (mirror.kind !== "mirror" || mirror.upstream !== "https://kez.example") throw new Error("mirror");
 * ```
 */
export function parseMirror(
  args: readonly string[],
  env: Env,
): MirrorCommand | { readonly kind: "version" } {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...SERVE_OPTIONS,
      upstream: { type: "string" },
      "poll-interval": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
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
  const ms = wholeNumber(text, 1, MAX_POLL_INTERVAL_MS);
  if (ms === undefined) {
    throw new TypeError(
      `Cannot use poll interval "${text}": expected milliseconds from 1 to ${MAX_POLL_INTERVAL_MS}`,
    );
  }
  return ms;
}
