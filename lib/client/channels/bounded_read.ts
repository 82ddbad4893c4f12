/**
 * Reading a channel's answer with a cap on its size: a website, a gist or a
 * relay is anyone's, and an answer larger than any chain is refused while it
 * is read, not after.
 *
 * @module
 */

import { KezError } from "../../protocol/mod.ts";
import { callable, type FetchFn, responseError, send } from "../http.ts";
import { decodeUtf8 } from "../text.ts";

/** The most bytes a chain file of a channel may hold (a server's chain has no such cap). */
export const MAX_CHANNEL_BYTES = 16 * 1024 * 1024;

/**
 * Reads a body as strict UTF-8, refusing it once it passes `max` bytes.
 *
 * @param res the answer, whose body is consumed
 * @param max the most bytes allowed
 * @param source where it came from, for messages
 * @returns the text
 * @throws {KezError} `payload_too_large` past `max`; `invalid_json` when not UTF-8
 *
 * @example
 * ```ts
 * import { readBounded } from "./bounded_read.ts";
 * if ((await readBounded(new Response("abc"), 3, "x")) !== "abc") throw new Error("fits");
 * const e = await readBounded(new Response("abcd"), 3, "x").catch((e) => e);
 * if (e.code !== "payload_too_large") throw new Error("refused");
 * ```
 */
export async function readBounded(res: Response, max: number, source: string): Promise<string> {
  const bytes = res.body === null ? new Uint8Array() : await readAtMost(res.body, max);
  if (bytes === null) {
    throw new KezError(
      "payload_too_large",
      `Cannot read ${source}: the answer is larger than ${max} bytes`,
    );
  }
  return decodeUtf8(bytes, source);
}

/**
 * Reads a stream whole into one buffer, cancelling it once it passes `max`
 * bytes, so that what is too large is never held.
 *
 * @param stream the bytes
 * @param max the most bytes allowed
 * @returns the bytes, or null past `max`
 * @throws {Error} whatever the stream throws
 *
 * @example
 * ```ts
 * import { readAtMost } from "./bounded_read.ts";
 * if ((await readAtMost(new Response("abc").body!, 3))?.length !== 3) throw new Error("fits");
 * if ((await readAtMost(new Response("abcd").body!, 3)) !== null) throw new Error("too large");
 * ```
 */
export async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** How a channel reads over HTTP. */
export interface HttpReadOptions {
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn | undefined;
  /** Aborts the request. */
  readonly signal?: AbortSignal | undefined;
  /** More request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * GETs a URL and reads the answer under a size cap.
 *
 * @param url the absolute URL
 * @param max the most bytes allowed
 * @param options the `fetch`, signal and headers
 * @returns the body as text
 * @throws {KezError} `not_found` for a 404; `unavailable` when no answer came; the
 *   status's code for any other error; as {@linkcode readBounded} for the body
 *
 * @example
 * ```ts
 * import { getBounded } from "./bounded_read.ts";
 * const fetch = () => Promise.resolve(new Response("gone", { status: 404 }));
 * const e = await getBounded("https://x.example/a", 100, { fetch }).catch((e) => e);
 * if (e.code !== "not_found") throw new Error(e.message);
 * ```
 */
export async function getBounded(
  url: string,
  max: number,
  options: HttpReadOptions = {},
): Promise<string> {
  const init: RequestInit = { headers: { ...options.headers } };
  if (options.signal !== undefined) init.signal = options.signal;
  const res = await send(callable(options.fetch), url, init);
  if (!res.ok) throw await responseError(res, `Cannot get ${url}`);
  return await readBounded(res, max, url);
}
