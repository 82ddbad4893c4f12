/**
 * Reading an upstream server's transparency log over HTTP (spec §10.3): its
 * verifier key, its latest checkpoint, pages of its entries feed and
 * consistency proofs, each request bounded by a timeout. Nothing read here is
 * trusted: the follower verifies all of it.
 *
 * @module
 */

import { decodeBase64 } from "../tlog/mod.ts";

/** The most leaves one page of the entries feed holds (spec §10.3). */
export const MAX_PAGE = 1000;

/**
 * The upstream gave no usable answer: unreachable, slow, an error status or a
 * malformed body. It may pass, so the follower retries; it is never evidence.
 *
 * @example
 * ```ts
 * import { UpstreamError } from "./upstream_client.ts";
 * const e = new UpstreamError("Cannot reach http://kez.example/v1/log/key: refused");
 * if (e.name !== "UpstreamError") throw new Error("unexpected");
 * ```
 */
export class UpstreamError extends Error {
  /**
   * @param message what failed, naming the URL
   * @param options the underlying cause, if any
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpstreamError";
  }
}

/** Options of {@linkcode UpstreamClient}. */
export interface UpstreamClientOptions {
  /** How long one request may take, body included, in milliseconds; 10 s by default. */
  readonly timeoutMs?: number;
}

/**
 * The §10.3 routes of one upstream server.
 *
 * @example
 * ```ts
 * import { UpstreamClient, UpstreamError } from "./upstream_client.ts";
 * const client = new UpstreamClient("http://127.0.0.1:9", { timeoutMs: 2000 });
 * const failed = await client.key().catch((e) => e);
 * if (!(failed instanceof UpstreamError)) throw new Error("an unreachable upstream is an UpstreamError");
 * ```
 */
export class UpstreamClient {
  /** The upstream's base URL, without a trailing slash. */
  readonly base: string;
  readonly #timeoutMs: number;

  /**
   * @param base the upstream's base URL, without a trailing slash
   * @param options the request timeout
   */
  constructor(base: string, options: UpstreamClientOptions = {}) {
    this.base = base;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * The upstream log's verifier key.
   *
   * @param signal stops the request
   * @returns the key's text, without its final newline
   * @throws {UpstreamError} when there is no such answer
   */
  async key(signal?: AbortSignal): Promise<string> {
    return (await this.#get("/v1/log/key", signal)).replace(/\n$/, "");
  }

  /**
   * The upstream's latest signed checkpoint.
   *
   * @param signal stops the request
   * @returns the signed note, verbatim
   * @throws {UpstreamError} when there is no such answer
   */
  async checkpoint(signal?: AbortSignal): Promise<string> {
    return await this.#get("/v1/log/checkpoint", signal);
  }

  /**
   * One page of the entries feed: the leaves from `start` on.
   *
   * @param start the first index
   * @param limit how many, 1 to {@linkcode MAX_PAGE}
   * @param signal stops the request
   * @returns the lines as served, without their newlines; fewer at the end of the log
   * @throws {UpstreamError} when there is no such answer, or the body is not whole lines
   */
  async entries(start: number, limit: number, signal?: AbortSignal): Promise<string[]> {
    const path = `/v1/log/entries?start=${start}&limit=${limit}`;
    const body = await this.#get(path, signal);
    if (body === "") return [];
    if (!body.endsWith("\n")) {
      throw new UpstreamError(`Cannot read ${this.base}${path}: the last line has no newline`);
    }
    return body.slice(0, -1).split("\n");
  }

  /**
   * The upstream's consistency proof between two of its tree sizes.
   *
   * @param from the older size, at least 1
   * @param to the newer size
   * @param signal stops the request
   * @returns the proof's hashes
   * @throws {UpstreamError} when there is no such answer, or it is not such a proof
   */
  async consistencyProof(from: number, to: number, signal?: AbortSignal): Promise<Uint8Array[]> {
    const path = `/v1/log/proof/consistency?from=${from}&to=${to}`;
    const body = await this.#get(path, signal);
    try {
      const proof = JSON.parse(body);
      if (proof?.from !== from || proof?.to !== to || !Array.isArray(proof?.hashes)) {
        throw new SyntaxError("not the proof asked for");
      }
      return proof.hashes.map((hash: unknown) => decodeBase64(String(hash)));
    } catch (e) {
      throw new UpstreamError(`Cannot read ${this.base}${path}: ${(e as Error).message}`);
    }
  }

  async #get(path: string, signal?: AbortSignal): Promise<string> {
    const url = this.base + path;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new Error(`no answer within ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    const stop = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    try {
      const res = await fetch(url, { signal: stop });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new UpstreamError(`Cannot read ${url}: status ${res.status}`);
      }
      return await res.text();
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      const reason = stop.aborted ? stop.reason : e;
      throw new UpstreamError(`Cannot reach ${url}: ${(reason as Error).message}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }
}
