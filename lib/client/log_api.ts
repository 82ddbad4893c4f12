/**
 * The transparency-log routes of one server (spec §10.3), read as served:
 * nothing here is verified, which is {@linkcode LogVerifier}'s work.
 *
 * @module
 */

import { KezError, parsePrimary, primaryPath } from "../protocol/mod.ts";
import { decodeBase64 } from "../tlog/mod.ts";
import type { ClientOptions } from "./client.ts";
import { callable, type FetchFn, readText, responseError, send, serverBase } from "./http.ts";

/**
 * Reads one server's log routes.
 *
 * @example
 * ```ts
 * import { LogApi } from "./log_api.ts";
 * // A stub server without a log: every log route is 404.
 * const fetch = () => Promise.resolve(Response.json({ error: { code: "not_found", message: "No route" } }, { status: 404 }));
 * const api = new LogApi("http://localhost:7878/", { fetch });
 * if (api.server !== "http://localhost:7878" || (await api.key()) !== null) throw new Error("unexpected");
 * ```
 */
export class LogApi {
  /** The server's base URL, without a trailing slash. */
  readonly server: string;
  #fetch: FetchFn;
  #signal: AbortSignal | undefined;

  /**
   * @param server the server's base URL
   * @param options the `fetch` and abort signal to use
   * @throws {TypeError} when `server` is not an http or https URL
   */
  constructor(server: string, options: Pick<ClientOptions, "fetch" | "signal"> = {}) {
    this.server = serverBase(server);
    this.#fetch = callable(options.fetch);
    this.#signal = options.signal;
  }

  /** GETs a route's text; null for a 404 when `missing` allows it. */
  async #get(path: string, action: string, missing: boolean): Promise<string | null> {
    const url = this.server + path;
    const init = this.#signal === undefined ? {} : { signal: this.#signal };
    const res = await send(this.#fetch, url, init);
    if (res.status === 404 && missing) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) throw await responseError(res, action);
    return await readText(res, url);
  }

  /**
   * GETs the log's verifier key.
   *
   * @returns the key's text without its newline, or null when the server has no log (404)
   * @throws {KezError} the server's code for any other answer; `unavailable` when unreachable
   */
  async key(): Promise<string | null> {
    const text = await this.#get("/v1/log/key", "Cannot get log key", true);
    return text === null ? null : text.replace(/\n$/, "");
  }

  /**
   * GETs the latest signed checkpoint.
   *
   * @returns the signed note verbatim, or null when the server has no log (404)
   * @throws {KezError} the server's code for any other answer; `unavailable` when unreachable
   */
  checkpoint(): Promise<string | null> {
    return this.#get("/v1/log/checkpoint", "Cannot get checkpoint", true);
  }

  /**
   * GETs the latest checkpoint that met the server's witness quorum, with its
   * cosignature lines.
   *
   * @returns the note verbatim, or null when the server has none (404)
   * @throws {KezError} the server's code for any other answer; `unavailable` when unreachable
   */
  witnessedCheckpoint(): Promise<string | null> {
    return this.#get("/v1/log/checkpoint/witnessed", "Cannot get witnessed checkpoint", true);
  }

  /**
   * GETs the inclusion proof (audit path) of a leaf in the tree of a size.
   *
   * @param index the leaf's index
   * @param size the tree's size, larger than the index
   * @returns the proof's hashes
   * @throws {KezError} the server's code; `internal` for an answer that is not that proof
   */
  async inclusion(index: number, size: number): Promise<Uint8Array[]> {
    return await this.#proof(
      `/v1/log/proof/inclusion?index=${index}&size=${size}`,
      `Cannot get inclusion proof of ${index} in size ${size}`,
      { index, size },
    );
  }

  /**
   * GETs the consistency proof between two tree sizes.
   *
   * @param from the older size, at least 1
   * @param to the newer size, at most the server's current size
   * @returns the proof's hashes
   * @throws {KezError} the server's code (`invalid_query` for a size beyond its
   *   tree); `internal` for an answer that is not such a proof
   */
  async consistency(from: number, to: number): Promise<Uint8Array[]> {
    return await this.#proof(
      `/v1/log/proof/consistency?from=${from}&to=${to}`,
      `Cannot get consistency proof from ${from} to ${to}`,
      { from, to },
    );
  }

  /** GETs a proof whose answer must echo what was asked, and decodes its hashes. */
  async #proof(path: string, action: string, asked: Record<string, number>): Promise<Uint8Array[]> {
    const text = await this.#get(path, action, false);
    try {
      const answer = JSON.parse(text!) as Record<string, unknown>;
      const echoed = Object.entries(asked).every(([name, value]) => answer[name] === value);
      if (!echoed || !Array.isArray(answer.hashes)) {
        throw new SyntaxError("not the proof asked for");
      }
      return answer.hashes.map((h) => decodeBase64(String(h)));
    } catch (cause) {
      throw new KezError("internal", `${action}: the answer is not that proof`, { cause });
    }
  }

  /**
   * GETs a page of the entries feed: leaves `start` to `start + limit − 1`,
   * fewer at the end of the server's current tree.
   *
   * @param start the first leaf's index
   * @param limit how many, 1 to `MAX_ENTRIES_PAGE` (lib/protocol/limits.ts)
   * @returns the leaves' lines, without newlines
   * @throws {KezError} the server's code; `internal` when the body is not JSONL
   */
  async entries(start: number, limit: number): Promise<string[]> {
    const action = `Cannot get log entries from ${start}`;
    const text = (await this.#get(`/v1/log/entries?start=${start}&limit=${limit}`, action, false))!;
    if (text === "") return [];
    if (!text.endsWith("\n")) {
      throw new KezError("internal", `${action}: the last line has no newline`);
    }
    return text.slice(0, -1).split("\n");
  }

  /**
   * GETs the C2SP tlog-proof of one event of a chain.
   *
   * @param primary the chain's owner
   * @param seq the event's seq
   * @returns the proof's text, or null when the server has none (404)
   * @throws {KezError} `invalid_primary`; the server's code for any other answer
   */
  eventProof(primary: string, seq: number): Promise<string | null> {
    const path = `/v1/sigchains/${primaryPath(parsePrimary(primary))}/events/${seq}/proof`;
    return this.#get(path, `Cannot get proof of ${primary} seq ${seq}`, true);
  }
}
