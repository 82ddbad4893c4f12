/**
 * Sources written `scheme:value`, as `kez sigchain fetch --source` takes
 * them: `web:<domain>`, `gist:<user>`, `dns:<domain>`, `nostr:<npub>[@relay,…]`.
 *
 * @module
 */

import { KezError } from "../../protocol/mod.ts";
import type { ChainSource } from "../fetch_chain.ts";
import type { FetchFn } from "../http.ts";
import { dnsSource, type ResolveTxt } from "./dns_channel.ts";
import { gistSource } from "./gist_channel.ts";
import { nostrSources } from "./nostr_channel.ts";
import { webSource } from "./web_channel.ts";

/** The channels, by the scheme that names them. */
export const CHANNEL_SCHEMES = ["web", "gist", "dns", "nostr"] as const;

/** A channel's scheme. */
export type ChannelScheme = typeof CHANNEL_SCHEMES[number];

/** What the channels need from their surroundings. */
export interface ChannelOptions {
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn | undefined;
  /** Aborts every request, when a read is given no signal of its own. */
  readonly signal?: AbortSignal | undefined;
  /** The GitHub REST API's base URL, for `gist:`; `https://api.github.com` by default. */
  readonly githubApi?: string | undefined;
  /** Resolves TXT records, for `dns:`; without it a `dns:` source is refused. */
  readonly resolveTxt?: ResolveTxt | undefined;
  /** The relays of a `nostr:` source that names none. */
  readonly relays?: readonly string[] | undefined;
}

/**
 * Splits `scheme:value` when the scheme is a channel's.
 *
 * @param text a source as written
 * @returns the scheme and the value, or null for anything else (a URL, a file)
 *
 * @example
 * ```ts
 * import { parseChannel } from "./channel_source.ts";
 * if (parseChannel("web:jason.example")?.value !== "jason.example") throw new Error("unexpected");
 * if (parseChannel("chain.jsonl") !== null) throw new Error("a file is no channel");
 * ```
 */
export function parseChannel(text: string): { scheme: ChannelScheme; value: string } | null {
  const colon = text.indexOf(":");
  const scheme = text.slice(0, colon) as ChannelScheme;
  if (colon < 0 || !CHANNEL_SCHEMES.includes(scheme)) return null;
  return { scheme, value: text.slice(colon + 1) };
}

/**
 * The sources a channel stands for.
 *
 * @param text a source as written, e.g. `gist:jason`
 * @param options what the channels need
 * @returns the sources, or null when the text names no channel
 * @throws {KezError} `invalid_query` for a malformed value
 *
 * @example
 * ```ts
 * import { channelSources } from "./channel_source.ts";
 * const sources = channelSources("web:jason.example", {});
 * if (sources?.[0]?.kind !== "reader" || sources[0].name !== "web:jason.example") throw new Error("unexpected");
 * ```
 */
export function channelSources(text: string, options: ChannelOptions): ChainSource[] | null {
  const channel = parseChannel(text);
  if (channel === null) return null;
  const { scheme, value } = channel;
  if (value === "") {
    throw new KezError("invalid_query", `Invalid source ${text}: nothing after ${scheme}:`);
  }
  switch (scheme) {
    case "web":
      return [webSource(value, options)];
    case "gist":
      return [gistSource(value, options)];
    case "nostr":
      return nostrSources(value, options);
    case "dns": {
      const { resolveTxt } = options;
      if (resolveTxt === undefined) {
        throw new KezError("invalid_query", `Cannot read ${text}: no DNS resolver was given`);
      }
      const follow = (target: string, signal?: AbortSignal) => readFirst(target, signal, options);
      return [dnsSource(value, { ...options, resolveTxt, follow })];
    }
  }
}

/** A hint's target read as a source: the first of its copies that can be read. */
async function readFirst(
  target: string,
  signal: AbortSignal | undefined,
  options: ChannelOptions,
): Promise<string> {
  const sources = channelSources(target, options);
  if (sources === null) {
    throw new KezError("invalid_json", `${JSON.stringify(target)} names no channel or URL`);
  }
  let failure: unknown = null;
  for (const source of sources) {
    if (source.kind !== "reader") continue;
    try {
      return await source.read(signal);
    } catch (e) {
      failure ??= e;
    }
  }
  throw failure;
}
