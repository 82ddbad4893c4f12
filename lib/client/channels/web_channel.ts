/**
 * The `web:` channel: a chain file at `https://<domain>/.well-known/kez-sigchain.jsonl`.
 *
 * @module
 */

import { KezError } from "../../protocol/mod.ts";
import type { ChainSource } from "../fetch_chain.ts";
import { getBounded, type HttpReadOptions, MAX_CHANNEL_BYTES } from "./bounded_read.ts";

/** The file name every file channel uses: the `.well-known` file and the gist's file. */
export const CHAIN_FILE = "kez-sigchain.jsonl";

/**
 * The URL of a `web:` target: a domain (with a port, if any) means https; a
 * full http(s) URL names the origin to use, e.g. a test server on loopback.
 *
 * @param target the part after `web:`, e.g. `jason.example`
 * @returns `https://jason.example/.well-known/kez-sigchain.jsonl`
 * @throws {KezError} `invalid_query` when it is neither a domain nor an http(s) URL
 *
 * @example
 * ```ts
 * import { wellKnownUrl } from "./web_channel.ts";
 * if (wellKnownUrl("jason.example") !== "https://jason.example/.well-known/kez-sigchain.jsonl") {
 *   throw new Error("unexpected");
 * }
 * if (wellKnownUrl("http://127.0.0.1:8080/") !== "http://127.0.0.1:8080/.well-known/kez-sigchain.jsonl") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function wellKnownUrl(target: string): string {
  const full = /^https?:\/\//i.test(target);
  let url: URL | null = null;
  try {
    url = new URL(full ? target : `https://${target}/`);
  } catch {
    url = null;
  }
  if (url === null || (!full && url.host !== target.toLowerCase())) {
    throw new KezError(
      "invalid_query",
      `Invalid web: target ${JSON.stringify(target)}: expected a domain or an http(s) URL`,
    );
  }
  return `${url.origin}/.well-known/${CHAIN_FILE}`;
}

/**
 * A `web:` target as a source of {@linkcode fetchChain}.
 *
 * @param target the part after `web:`
 * @param options the `fetch` and the signal used when the fetch gives none
 * @returns the source, named `web:<target>`
 * @throws {KezError} `invalid_query` for a bad target
 *
 * @example
 * ```ts
 * import { webSource } from "./web_channel.ts";
 * const fetch = () => Promise.resolve(new Response("{}\n"));
 * const source = webSource("jason.example", { fetch });
 * if (source.kind !== "reader" || (await source.read()) !== "{}\n") throw new Error("unexpected");
 * ```
 */
export function webSource(target: string, options: HttpReadOptions = {}): ChainSource {
  const url = wellKnownUrl(target);
  return {
    kind: "reader",
    name: `web:${target}`,
    read: (signal) =>
      getBounded(url, MAX_CHANNEL_BYTES, {
        fetch: options.fetch,
        signal: signal ?? options.signal,
      }),
  };
}
