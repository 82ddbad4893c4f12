/**
 * Fetching one primary's chain from several sources and reconciling the
 * copies (spec §8). One unreachable source never fails the whole fetch.
 *
 * @module
 */

import {
  type ChainCopy,
  type ChainEvent,
  type CopyVerdict,
  type Fork,
  KezError,
  parseEnvelope,
  parseJsonText,
  parsePrimary,
  reconcile,
  type Sigchain,
  toChainEvent,
} from "../protocol/mod.ts";
import { type ClientOptions, KezClient } from "./client.ts";
import { getBounded, MAX_CHANNEL_BYTES } from "./channels/bounded_read.ts";
import { chainJsonl } from "./channels/compact_bundle.ts";
import { LogAlarm } from "./log_alarm.ts";

/** Where a copy of a chain comes from. */
export type ChainSource =
  /** A kez-sig-server, by its base URL. */
  | { readonly kind: "server"; readonly url: string }
  /** JSONL at any URL, e.g. `https://…/.well-known/kez-sigchain.jsonl` or a gist. */
  | { readonly kind: "url"; readonly url: string }
  /**
   * Anything else that yields JSONL or a compact bundle: a file, a channel.
   * Its `read` is given the signal that ends its time; a `not_found`
   * {@linkcode KezError} says the source holds no copy.
   */
  | {
    readonly kind: "reader";
    readonly name: string;
    readonly read: (signal?: AbortSignal) => Promise<string>;
  };

/** What became of one source. */
export type SourceVerdict =
  | { readonly source: string; readonly status: "valid"; readonly length: number }
  | { readonly source: string; readonly status: "invalid"; readonly reason: string }
  | { readonly source: string; readonly status: "unreachable"; readonly reason: string }
  | { readonly source: string; readonly status: "not_found"; readonly reason: string };

/** How {@linkcode fetchChain} reads its sources. */
export interface FetchChainOptions extends ClientOptions {
  /** The most milliseconds one source may take; then it is unreachable. None by default. */
  readonly sourceTimeout?: number;
}

/** The reconciled chain, or the fork, and a verdict per source. */
export interface FetchResult {
  /** The longest valid copy when every valid copy is a prefix of it; else null. */
  readonly chain: Sigchain | null;
  /** The first fork found; the chain is then null. */
  readonly fork: Fork | null;
  /** One verdict per source, in the order given. */
  readonly verdicts: readonly SourceVerdict[];
}

/**
 * The name a source has in verdicts: its URL or its reader's name.
 *
 * @param source the source
 * @returns its name
 *
 * @example
 * ```ts
 * import { sourceName } from "./fetch_chain.ts";
 * if (sourceName({ kind: "server", url: "http://localhost:7878" }) !== "http://localhost:7878") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function sourceName(source: ChainSource): string {
  return source.kind === "reader" ? source.name : source.url;
}

async function load(
  primary: string,
  source: ChainSource,
  options: ClientOptions,
): Promise<string> {
  switch (source.kind) {
    case "server": {
      const client = new KezClient(source.url, options);
      // A server without this chain holds an empty copy, a prefix of every other.
      const { text } = await client.getJsonl(primary);
      await options.log?.checkHead(client.server, primary, lastEvent(text));
      return text;
    }
    case "url": {
      const text = await getBounded(source.url, MAX_CHANNEL_BYTES, options);
      return await chainJsonl(text, source.url);
    }
    case "reader":
      return await chainJsonl(await source.read(options.signal), source.name);
  }
}

/** Reads one source within its time: one that ignores its signal is still given up on. */
function loadInTime(
  primary: string,
  source: ChainSource,
  options: FetchChainOptions,
): Promise<string> {
  const { sourceTimeout } = options;
  if (sourceTimeout === undefined) return load(primary, source, options);
  const timer = AbortSignal.timeout(sourceTimeout);
  const signal = options.signal === undefined ? timer : AbortSignal.any([options.signal, timer]);
  const late = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(
        new KezError(
          "unavailable",
          `Cannot read ${sourceName(source)}: no answer within ${sourceTimeout} ms`,
        ),
      );
    if (timer.aborted) fail();
    else timer.addEventListener("abort", fail, { once: true });
  });
  late.catch(() => {});
  return Promise.race([load(primary, source, { ...options, signal }), late]);
}

/** The verdict of a copy that did not arrive, or arrived unreadable. */
function statusOf(e: unknown): "invalid" | "unreachable" | "not_found" {
  if (!(e instanceof KezError)) return "unreachable";
  if (e.code === "not_found") return "not_found";
  const invalid = ["invalid_json", "invalid_signature", "payload_too_large"];
  return invalid.includes(e.code) ? "invalid" : "unreachable";
}

/** The last line as an event, or null when there is none or it is invalid (then so is the copy). */
function lastEvent(jsonl: string): ChainEvent | null {
  const line = jsonl.replace(/\n$/, "").split("\n").at(-1) ?? "";
  try {
    return toChainEvent(parseEnvelope(parseJsonText(line)));
  } catch {
    return null;
  }
}

/**
 * Reads every source at once, verifies each copy, and reconciles them: the
 * longest valid copy wins when every valid copy is a prefix of it; two that
 * differ at some seq are a fork, reported with the seq and both hashes.
 *
 * @param primary the chain's owner
 * @param sources where to look
 * @param options the `fetch` and signal for the network sources, each source's
 *   time (`sourceTimeout`), and the
 *   log verifier that checks each server's log
 * @returns the chain or the fork, and a verdict per source
 * @throws {KezError} `invalid_primary`; never for a failing source, which gets a verdict
 * @throws {LogAlarm} when a server's log fails a check
 *
 * @example
 * ```ts
 * import { fetchChain } from "./fetch_chain.ts";
 * const primary = "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * const result = await fetchChain(primary, [
 *   { kind: "reader", name: "empty.jsonl", read: () => Promise.resolve("") },
 *   { kind: "reader", name: "gone.jsonl", read: () => Promise.reject(new Error("No such file")) },
 * ]);
 * if (result.chain?.length !== 0) throw new Error("the empty copy wins");
 * if (result.verdicts[1]?.status !== "unreachable") throw new Error("gone is unreachable");
 * ```
 */
export async function fetchChain(
  primary: string,
  sources: readonly ChainSource[],
  options: FetchChainOptions = {},
): Promise<FetchResult> {
  parsePrimary(primary);
  const loaded = await Promise.all(sources.map(async (source) => {
    const name = sourceName(source);
    try {
      return { source: name, text: await loadInTime(primary, source, options) };
    } catch (e) {
      // An alarm is evidence against the server, not a source to skip; and a
      // server's failures are all KezErrors, any other is the caller's own
      // (where it keeps the log's state, say).
      if (e instanceof LogAlarm || (source.kind === "server" && !(e instanceof KezError))) throw e;
      // A copy that arrived but is not UTF-8, not a bundle, too large, or in
      // a nostr event whose signature fails, is invalid; a source that says
      // it holds none is not found; any other failure, a reader's included,
      // means no copy arrived.
      return {
        source: name,
        status: statusOf(e),
        reason: e instanceof Error ? e.message : String(e),
      } as const;
    }
  }));
  const copies = loaded.filter((l): l is ChainCopy => "text" in l);
  const { chain, fork, verdicts } = reconcile(primary, copies);
  const checked = verdicts.values();
  return {
    chain,
    fork,
    verdicts: loaded.map((l) => "text" in l ? verdictOf(checked.next().value!) : l),
  };
}

function verdictOf(v: CopyVerdict): SourceVerdict {
  return v.valid
    ? { source: v.source, status: "valid", length: v.length }
    : { source: v.source, status: "invalid", reason: v.reason };
}

/**
 * Describes a fork in one line.
 *
 * @param fork the fork
 * @returns `fork at seq N: A has sha256:…, B has sha256:…`
 *
 * @example
 * ```ts
 * import { describeFork } from "./fetch_chain.ts";
 * const line = describeFork({ seq: 1, sources: ["a", "b"], hashes: ["sha256:1", "sha256:2"] });
 * if (line !== "fork at seq 1: a has sha256:1, b has sha256:2") throw new Error(line);
 * ```
 */
export function describeFork(fork: Fork): string {
  const [a, b] = fork.sources;
  const [ha, hb] = fork.hashes;
  return `fork at seq ${fork.seq}: ${a} has ${ha}, ${b} has ${hb}`;
}
