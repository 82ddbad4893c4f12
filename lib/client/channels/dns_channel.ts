/**
 * The `dns:` channel: TXT records at `_kez-chain.<domain>`, holding the chain
 * as a compact bundle, or `kez-chain=<URL>`, a hint to a file channel.
 * Resolving DNS is not a web platform API, so the resolver is given.
 *
 * @module
 */

import { KezError } from "../../protocol/mod.ts";
import type { ChainSource } from "../fetch_chain.ts";
import { getBounded, type HttpReadOptions, MAX_CHANNEL_BYTES } from "./bounded_read.ts";
import { COMPACT_PREFIX } from "./compact_bundle.ts";

/** The label in front of the domain. */
export const DNS_LABEL = "_kez-chain";

/** What a hint record starts with. */
export const HINT_PREFIX = "kez-chain=";

/** The most bytes one string of a TXT record holds (RFC 1035 §3.3.14). */
const TXT_STRING_BYTES = 255;

/**
 * Resolves the TXT records of a name: each record as its strings, in order.
 * It answers `[]` when the name has none, and throws when no answer came.
 */
export type ResolveTxt = (name: string, signal?: AbortSignal) => Promise<string[][]>;

/**
 * Reads a hint's target: another channel, written `scheme:value` or as an
 * http(s) URL. Given by whoever builds the source, so that one channel can
 * follow another without knowing it.
 */
export type FollowHint = (target: string, signal?: AbortSignal) => Promise<string>;

/** What the `dns:` channel needs. */
export interface DnsOptions extends HttpReadOptions {
  /** The resolver: the runtime's own in Deno, DNS over HTTPS in a browser. */
  readonly resolveTxt: ResolveTxt;
  /** Reads a hint that is not an http(s) URL; without it only URLs are followed. */
  readonly follow?: FollowHint | undefined;
}

/**
 * Checks a domain name: letters, digits, `-` and `_` in labels of 1 to 63.
 *
 * @param domain the name
 * @returns it, lowercased and without a final dot
 * @throws {KezError} `invalid_query` when it is no domain name
 *
 * @example
 * ```ts
 * import { dnsDomain } from "./dns_channel.ts";
 * if (dnsDomain("Jason.Example.") !== "jason.example") throw new Error("unexpected");
 * ```
 */
export function dnsDomain(domain: string): string {
  const name = domain.replace(/\.$/, "").toLowerCase();
  if (name.length > 253 || !/^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$/.test(name)) {
    throw new KezError("invalid_query", `Invalid dns: domain ${JSON.stringify(domain)}`);
  }
  return name;
}

/**
 * The TXT record that publishes a value at a domain, in zone-file form, its
 * value cut into strings of at most 255 bytes.
 *
 * @param domain the domain
 * @param value a compact bundle, or `kez-chain=<URL>`
 * @returns e.g. `_kez-chain.jason.example. 3600 IN TXT "kez:zc1:…" "…"`
 * @throws {KezError} `invalid_query` for a bad domain
 *
 * @example
 * ```ts
 * import { txtRecord } from "./dns_channel.ts";
 * const record = txtRecord("jason.example", "kez:zc1:" + "A".repeat(300));
 * if (!record.startsWith('_kez-chain.jason.example. 3600 IN TXT "kez:zc1:') || record.split('" "').length !== 2) {
 *   throw new Error(record);
 * }
 * ```
 */
export function txtRecord(domain: string, value: string): string {
  // The values are ASCII (base64url, a URL), so a character is a byte.
  const strings: string[] = [];
  for (let at = 0; at < value.length; at += TXT_STRING_BYTES) {
    strings.push(value.slice(at, at + TXT_STRING_BYTES));
  }
  return `${DNS_LABEL}.${dnsDomain(domain)}. 3600 IN TXT ${strings.map((s) => `"${s}"`).join(" ")}`;
}

/**
 * A domain's TXT record as a source of {@linkcode fetchChain}: the compact
 * bundle it holds, or the copy its hint points at.
 *
 * @param domain the domain
 * @param options the resolver, the hint follower, `fetch` and signal
 * @returns the source, named `dns:<domain>`; no record is `not_found`
 * @throws {KezError} `invalid_query` for a bad domain
 *
 * @example
 * ```ts
 * import { dnsSource } from "./dns_channel.ts";
 * const resolveTxt = () => Promise.resolve([["v=spf1 -all"], ["kez:zc1:", "AwA"]]);
 * const source = dnsSource("jason.example", { resolveTxt });
 * if (source.kind !== "reader" || (await source.read()) !== "kez:zc1:AwA") throw new Error("joined");
 * ```
 */
export function dnsSource(domain: string, options: DnsOptions): ChainSource {
  const name = `${DNS_LABEL}.${dnsDomain(domain)}`;
  return {
    kind: "reader",
    name: `dns:${domain}`,
    read: async (given) => {
      const signal = given ?? options.signal;
      const records = (await options.resolveTxt(name, signal))
        // A record longer than 255 bytes comes as several strings: one value.
        .map((strings) => strings.join(""))
        .filter((r) => r.startsWith(COMPACT_PREFIX) || r.startsWith(HINT_PREFIX));
      if (records.length === 0) {
        throw new KezError(
          "not_found",
          `No ${COMPACT_PREFIX} or ${HINT_PREFIX} TXT record at ${name}`,
        );
      }
      if (records.length > 1) {
        throw new KezError(
          "invalid_json",
          `Cannot read ${name}: ${records.length} KEZ TXT records, where one is allowed`,
        );
      }
      const record = records[0]!;
      if (record.startsWith(COMPACT_PREFIX)) return record;
      return await followHint(record.slice(HINT_PREFIX.length), signal, options);
    },
  };
}

async function followHint(
  target: string,
  signal: AbortSignal | undefined,
  options: DnsOptions,
): Promise<string> {
  try {
    if (/^https?:\/\//i.test(target)) {
      return await getBounded(target, MAX_CHANNEL_BYTES, { fetch: options.fetch, signal });
    }
    if (options.follow === undefined || /^dns:/i.test(target)) {
      throw new KezError("invalid_json", `the hint is not an http(s) URL`);
    }
    return await options.follow(target, signal);
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    throw new KezError(e.code, `Following hint ${target}: ${e.message}`, { cause: e });
  }
}
