/**
 * The sources of `fetch` and `check` from the command line: `--server` base
 * URLs, and `--source` channels (`web:`, `gist:`, `dns:`, `nostr:`), URLs or
 * local files.
 *
 * @module
 */

import {
  type ChainSource,
  type ChannelOptions,
  channelSources,
  decodeUtf8,
  KezError,
} from "../client/mod.ts";
import { UsageError } from "./errors.ts";

/**
 * A local JSONL file as a source, read as strict UTF-8.
 *
 * @param path the file
 * @param name how verdicts name it; the path by default
 * @returns the source
 *
 * @example
 * ```ts
 * import { fileSource } from "./sources.ts";
 * const source = fileSource("/no/such/file.jsonl");
 * if (source.kind !== "reader" || source.name !== "/no/such/file.jsonl") throw new Error("unexpected");
 * ```
 */
export function fileSource(path: string, name: string = path): ChainSource {
  return {
    kind: "reader",
    name,
    read: async () => decodeUtf8(await Deno.readFile(path), path),
  };
}

function httpUrl(text: string, flag: string, command: string): string {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Invalid URL for ${flag}: ${JSON.stringify(text)}`, command);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `Invalid URL for ${flag}: ${JSON.stringify(text)} is not http(s)`,
      command,
    );
  }
  return text;
}

/**
 * The one server of a command that talks to one.
 *
 * @param value the `--server` value
 * @param command the command, for messages
 * @returns the URL as given
 * @throws {UsageError} when it is missing or not an http(s) URL
 *
 * @example
 * ```ts
 * import { serverFrom } from "./sources.ts";
 * if (serverFrom("http://localhost:7878", "sigchain pull") !== "http://localhost:7878") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function serverFrom(value: string | undefined, command: string): string {
  if (value === undefined) throw new UsageError("Missing --server URL", command);
  return httpUrl(value, "--server", command);
}

/**
 * The sources named on the command line, servers first. A `--source` written
 * `web:`, `gist:`, `dns:` or `nostr:` is that channel; one that starts with
 * `http://` or `https://` is fetched as JSONL; any other is a file. Every
 * one may hold JSONL or a compact bundle.
 *
 * @param servers the `--server` values
 * @param sources the `--source` values
 * @param command the command, for messages
 * @param channels what the channels need (GitHub's API, DNS, relays)
 * @returns the sources
 * @throws {UsageError} for a `--server` that is not an http(s) URL, or a malformed channel
 *
 * @example
 * ```ts
 * import { sourcesFrom } from "./sources.ts";
 * const s = sourcesFrom(["http://localhost:7878"], ["https://jason.example/.well-known/kez-sigchain.jsonl", "chain.jsonl"], "sigchain fetch");
 * if (s.map((x) => x.kind).join() !== "server,url,reader") throw new Error("unexpected");
 * ```
 */
export function sourcesFrom(
  servers: readonly string[],
  sources: readonly string[],
  command: string,
  channels: ChannelOptions = {},
): ChainSource[] {
  return [
    ...servers.map((url): ChainSource => ({
      kind: "server",
      url: httpUrl(url, "--server", command),
    })),
    ...sources.flatMap((text): ChainSource[] => {
      let channel;
      try {
        channel = channelSources(text, channels);
      } catch (e) {
        if (e instanceof KezError) throw new UsageError(e.message, command);
        throw e;
      }
      if (channel !== null) return channel;
      return /^https?:\/\//i.test(text)
        ? [{ kind: "url", url: httpUrl(text, "--source", command) }]
        : [fileSource(text)];
    }),
  ];
}
