/**
 * The flags of the commands that read or write channels: each source's time,
 * GitHub's API, the DNS nameserver and the nostr relays.
 *
 * @module
 */

import type { ChannelOptions, ResolveTxt } from "../client/mod.ts";
import { KezError } from "../protocol/mod.ts";
import { UsageError } from "./errors.ts";

/** How long one source may take unless `--timeout` says otherwise, in seconds. */
export const DEFAULT_SOURCE_TIMEOUT = 15;

/**
 * The channel flags, for `parseCommandArgs`'s options.
 *
 * @example
 * ```ts
 * import { CHANNEL_FLAGS } from "./channel_flags.ts";
 * if (CHANNEL_FLAGS["github-api"].type !== "string") throw new Error("unexpected");
 * ```
 */
export const CHANNEL_FLAGS = {
  timeout: { type: "string" },
  "github-api": { type: "string" },
  nameserver: { type: "string" },
  relay: { type: "string", multiple: true },
} as const;

/** The parsed channel flags. */
export interface ChannelFlags {
  readonly timeout?: string | undefined;
  readonly "github-api"?: string | undefined;
  readonly nameserver?: string | undefined;
  readonly relay?: string[] | undefined;
}

/** What the channel flags come to. */
export interface ChannelArgs {
  /** What the channels need. */
  readonly channels: ChannelOptions;
  /** The most milliseconds one source may take. */
  readonly sourceTimeout: number;
}

/**
 * Reads the channel flags.
 *
 * @param flags the parsed flags
 * @param signal the command's own signal, which ends every request
 * @param command the command, for messages
 * @param env reads an environment variable: `KEZ_NOSTR_RELAYS`, the relays
 *   (comma-separated) when no `--relay` is given
 * @returns the channels' options and each source's time
 * @throws {UsageError} for a timeout that is not a positive number of seconds, or a bad URL
 *
 * @example
 * ```ts
 * import { channelArgs } from "./channel_flags.ts";
 * const { sourceTimeout, channels } = channelArgs({ timeout: "2.5", "github-api": "http://127.0.0.1:9" }, undefined, "sigchain fetch");
 * if (sourceTimeout !== 2500 || channels.githubApi !== "http://127.0.0.1:9") throw new Error("unexpected");
 * ```
 */
export function channelArgs(
  flags: ChannelFlags,
  signal: AbortSignal | undefined,
  command: string,
  env: (name: string) => string | undefined = () => undefined,
): ChannelArgs {
  const seconds = flags.timeout === undefined ? DEFAULT_SOURCE_TIMEOUT : Number(flags.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `Invalid --timeout: ${JSON.stringify(flags.timeout)} is not a positive number of seconds`,
      command,
    );
  }
  const api = flags["github-api"];
  if (api !== undefined && !/^https?:\/\/[^/]/i.test(api)) {
    throw new UsageError(`Invalid URL for --github-api: ${JSON.stringify(api)}`, command);
  }
  const nameServer = flags.nameserver === undefined
    ? undefined
    : nameServerFrom(flags.nameserver, command);
  const relays = flags.relay ?? (env("KEZ_NOSTR_RELAYS") ?? "").split(",").filter((r) => r !== "");
  return {
    channels: { signal, githubApi: api, resolveTxt: denoResolveTxt(nameServer), relays },
    sourceTimeout: Math.round(seconds * 1000),
  };
}

/**
 * Parses `--nameserver IP:PORT`, an IPv6 address in brackets.
 *
 * @param text the flag's value
 * @param command the command, for messages
 * @returns the address and port, as `Deno.resolveDns` takes them
 * @throws {UsageError} when it is not `IP:PORT`
 *
 * @example
 * ```ts
 * import { nameServerFrom } from "./channel_flags.ts";
 * const ns = nameServerFrom("[::1]:5353", "sigchain fetch");
 * if (ns.ipAddr !== "::1" || ns.port !== 5353) throw new Error("unexpected");
 * ```
 */
export function nameServerFrom(text: string, command: string): { ipAddr: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535) {
    throw new UsageError(
      `Invalid --nameserver: ${JSON.stringify(text)} is not IP:PORT, e.g. 127.0.0.1:53`,
      command,
    );
  }
  return { ipAddr: (m[1] ?? m[2])!, port };
}

/** `Deno.resolveDns` as the client's resolver: a name without TXT records has none. */
function denoResolveTxt(nameServer: { ipAddr: string; port: number } | undefined): ResolveTxt {
  return async (name, signal) => {
    const options: Deno.ResolveDnsOptions = {};
    if (nameServer !== undefined) options.nameServer = nameServer;
    if (signal !== undefined) options.signal = signal;
    try {
      return await Deno.resolveDns(name, "TXT", options);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw new KezError("unavailable", `Cannot resolve ${name}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
}
