/**
 * A client for one kez-sig-server (spec §6): read a chain, its head, post an
 * event, publish a local chain.
 *
 * @module
 */

import {
  type ChainEvent,
  checkPrimary,
  type Envelope,
  parseEnvelope,
  parseJsonText,
  parsePrimary,
  primaryPath,
  Sigchain,
  toChainEvent,
  verifyEventSignature,
} from "../protocol/mod.ts";
import { callable, type FetchFn, readText, responseError, send, serverBase } from "./http.ts";
import { getNewer } from "./incremental.ts";
import type { LogVerifier } from "./log_verifier.ts";
import { publishChain, type PublishResult } from "./publish.ts";

/** How a client talks to servers. */
export interface ClientOptions {
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn;
  /** Aborts every request of the client, e.g. `AbortSignal.timeout(10_000)`. */
  readonly signal?: AbortSignal;
  /**
   * Whether to send `If-None-Match` on incremental GETs; true by default. Pass
   * false in a browser: the server's CORS preflight allows only `content-type`,
   * and the browser's HTTP cache revalidates by itself anyway.
   */
  readonly conditional?: boolean;
  /**
   * Checks the server's transparency log on every fetch and publish (spec
   * §10.4): its checkpoint, and that the head it served is in the log.
   */
  readonly log?: LogVerifier;
}

/** A chain's JSONL as one GET answered it. */
export interface JsonlAnswer {
  /** 200 with lines, 304 when `ifNoneMatch` matched, 404 when the server holds no chain. */
  readonly status: 200 | 304 | 404;
  /** The JSONL; empty for 304 and 404. */
  readonly text: string;
}

/** Options of {@linkcode KezClient.getJsonl}. */
export interface JsonlOptions {
  /** Only events with a seq greater than this. */
  readonly after?: number;
  /** An entity tag, `"sha256:…"` quoted; a match answers 304. */
  readonly ifNoneMatch?: string;
}

/** What the server answered a successful post (spec §5). */
export interface AppendAnswer {
  /** The seq the event was stored at. */
  readonly seq: number;
  /** Its hash: what the next event's `prev` must be. */
  readonly hash: string;
  /** Its index in the server's transparency log, when the server keeps one (spec §10.1). */
  readonly index?: number;
}

/**
 * A client for one server.
 *
 * @example
 * ```ts
 * import { KezClient } from "./client.ts";
 * // A stub server that holds no chains.
 * const fetch = () => Promise.resolve(Response.json({ error: { code: "not_found", message: "No sigchain" } }, { status: 404 }));
 * const client = new KezClient("http://localhost:7878", { fetch });
 * const chain = await client.getChain("ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
 * if (chain.length !== 0) throw new Error("a missing chain is empty");
 * ```
 */
export class KezClient {
  /** The server's base URL, without a trailing slash. */
  readonly server: string;
  #fetch: FetchFn;
  #signal: AbortSignal | undefined;
  #conditional: boolean;
  #log: LogVerifier | undefined;

  /**
   * @param server the server's base URL, e.g. `http://localhost:7878`
   * @param options the `fetch` to use, an abort signal, conditional GETs
   * @throws {TypeError} when `server` is not an http or https URL
   */
  constructor(server: string, options: ClientOptions = {}) {
    this.server = serverBase(server);
    this.#fetch = callable(options.fetch);
    this.#signal = options.signal;
    this.#conditional = options.conditional ?? true;
    this.#log = options.log;
  }

  /**
   * The URL of a primary's chain on this server.
   *
   * @param primary the chain's owner
   * @returns `{server}/v1/sigchains/{scheme}/{id}`
   * @throws {KezError} `invalid_primary`
   */
  chainUrl(primary: string): string {
    return `${this.server}/v1/sigchains/${primaryPath(parsePrimary(primary))}`;
  }

  #init(init: RequestInit = {}): RequestInit {
    return this.#signal === undefined ? init : { ...init, signal: this.#signal };
  }

  /**
   * GETs a chain's JSONL as served, unverified.
   *
   * @param primary the chain's owner
   * @param options `after` and `ifNoneMatch` (spec §6.2)
   * @returns the status and the text
   * @throws {KezError} the server's code for any other answer (`invalid_query`
   *   from a server without §6.2 when `after` is given); `unavailable` when unreachable
   */
  async getJsonl(primary: string, options: JsonlOptions = {}): Promise<JsonlAnswer> {
    const url = this.chainUrl(primary) +
      (options.after === undefined ? "" : `?after=${options.after}`);
    const headers = options.ifNoneMatch === undefined
      ? {}
      : { "if-none-match": options.ifNoneMatch };
    const res = await send(this.#fetch, url, this.#init({ headers }));
    if (res.status === 304 || res.status === 404) {
      await res.body?.cancel();
      return { status: res.status, text: "" };
    }
    if (res.status !== 200) throw await responseError(res, `Cannot get chain ${primary}`);
    return { status: 200, text: await readText(res, url) };
  }

  /**
   * GETs a chain and verifies it whole (spec §8). Given a verified prefix, asks
   * only for what is newer, falling back to a plain GET when the server does
   * not take `after` or no longer holds that prefix.
   *
   * With a log verifier, the server's log is checked too, the served head's
   * inclusion included.
   *
   * @param primary the chain's owner
   * @param options `since`: a verified copy of the chain held already
   * @returns the server's chain, empty when it holds none; `since` itself when unchanged
   * @throws {KezError} the first reason the served chain is invalid, or the server's code
   * @throws {LogAlarm} when the server's log fails a check
   */
  async getChain(primary: string, options: { readonly since?: Sigchain } = {}): Promise<Sigchain> {
    const chain = await this.#readChain(primary, options.since);
    await this.#log?.checkHead(this.server, primary, chain.events.at(-1) ?? null);
    return chain;
  }

  async #readChain(primary: string, since: Sigchain | undefined): Promise<Sigchain> {
    if (since !== undefined && since.length > 0) {
      checkSame(since, primary);
      const newer = await getNewer(this, since, this.#conditional);
      if (newer !== null) return newer;
    }
    return Sigchain.fromJsonl((await this.getJsonl(primary)).text, primary);
  }

  /**
   * GETs a chain's last event and checks its structure, primary and signature.
   *
   * @param primary the chain's owner
   * @returns the head, or null when the server holds no chain
   * @throws {KezError} why the served head is invalid, or the server's code
   */
  async getHead(primary: string): Promise<ChainEvent | null> {
    const url = `${this.chainUrl(primary)}/head`;
    const res = await send(this.#fetch, url, this.#init());
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) throw await responseError(res, `Cannot get head of ${primary}`);
    const envelope = parseEnvelope(parseJsonText(await readText(res, url)));
    checkPrimary(envelope, primary);
    verifyEventSignature(envelope);
    return toChainEvent(envelope);
  }

  /**
   * POSTs one event; the server checks it as spec §5 says.
   *
   * @param envelope the signed event
   * @returns the stored seq and hash
   * @throws {KezError} the server's code: `conflict`, `invalid_signature`, `invalid_op`, …
   */
  async postEvent(envelope: Envelope): Promise<AppendAnswer> {
    const { primary, seq } = envelope.payload;
    const url = `${this.chainUrl(primary)}/events`;
    const res = await send(
      this.#fetch,
      url,
      this.#init({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: toChainEvent(envelope).line,
      }),
    );
    if (res.status !== 201) throw await responseError(res, `Cannot post event seq ${seq}`);
    const { seq: stored, hash, index } = await res.json() as AppendAnswer;
    return index === undefined ? { seq: stored, hash } : { seq: stored, hash, index };
  }

  /**
   * Publishes a local chain: sends, in order, only the events the server
   * lacks, after checking that the server's chain is a prefix of it.
   *
   * With a log verifier, the server's log is checked before anything is
   * posted, and after, that it holds the new head.
   *
   * @param chain the local chain
   * @returns how many events were posted and how many the server held already
   * @throws {KezError} `conflict` naming the seq where the server's chain differs
   *   (nothing is posted then), or the server's code
   * @throws {LogAlarm} when the server's log fails a check
   */
  async publish(chain: Sigchain): Promise<PublishResult> {
    const result = await publishChain(this, chain);
    if (result.posted > 0) {
      await this.#log?.checkHead(this.server, chain.primary, chain.events.at(-1) ?? null);
    }
    return result;
  }
}

function checkSame(since: Sigchain, primary: string): void {
  if (since.primary !== primary) {
    throw new TypeError(`Cannot get chain ${primary}: since is the chain of ${since.primary}`);
  }
}
