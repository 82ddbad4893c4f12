/**
 * Sending requests and turning every failure, of the network or of the
 * server, into a {@linkcode KezError} that carries the server's code.
 *
 * @module
 */

import { ERROR_STATUS, type ErrorCode, KezError } from "../protocol/mod.ts";
import { decodeUtf8 } from "./text.ts";

/** The `fetch` signature the client needs; `globalThis.fetch` fits. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** For answers without a spec error body, e.g. from a proxy in front of the server. */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  413: "payload_too_large",
  502: "unavailable",
  503: "unavailable",
  504: "unavailable",
};

/**
 * Wraps a `fetch` so that it can be kept in an object and called from there: a
 * browser's own `fetch` throws when called as a method of another object.
 *
 * @param fetchFn the `fetch` to use; `globalThis.fetch` when undefined
 * @returns a plain function calling it
 *
 * @example
 * ```ts
 * import { callable } from "./http.ts";
 * const stub = () => Promise.resolve(new Response("ok"));
 * const options = { fetch: callable(stub) };
 * if ((await (await options.fetch("http://x/")).text()) !== "ok") throw new Error("unexpected");
 * ```
 */
export function callable(fetchFn?: FetchFn): FetchFn {
  return (input, init) => (fetchFn ?? globalThis.fetch)(input, init);
}

/**
 * A server's base URL in the one form every request and every piece of kept
 * state uses: parsed, without a trailing slash.
 *
 * @param server the server's URL as given, e.g. `http://localhost:7878/`
 * @returns the base URL, e.g. `http://localhost:7878`
 * @throws {TypeError} when `server` is not an http or https URL
 *
 * @example
 * ```ts
 * import { serverBase } from "./http.ts";
 * if (serverBase("HTTP://LocalHost:7878/") !== "http://localhost:7878") throw new Error("unexpected");
 * ```
 */
export function serverBase(server: string): string {
  const url = new URL(server);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot use server ${JSON.stringify(server)}: not an http(s) URL`);
  }
  return url.href.replace(/\/+$/, "");
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * Sends a request; a failure to get any answer becomes a `KezError`.
 *
 * @param fetchFn the `fetch` to use
 * @param url the absolute URL
 * @param init method, headers, body, signal
 * @returns the answer, whatever its status
 * @throws {KezError} `unavailable` when no answer came: refused, DNS, TLS, aborted; in a
 *   browser, also a refusal by CORS, which the message then names as a possible cause
 *
 * @example
 * ```ts
 * import { send } from "./http.ts";
 * import { KezError } from "../protocol/mod.ts";
 * const down = () => Promise.reject(new TypeError("connection refused"));
 * try {
 *   await send(down, "http://127.0.0.1:1/v1/healthz");
 *   throw new Error("no error");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "unavailable") throw e;
 * }
 * // A browser's failed fetch may be CORS: the message says so.
 * const browser = () => Promise.reject(new TypeError("Failed to fetch"));
 * const e = await send(browser, "https://kez.example/v1/healthz").catch((e) => e);
 * if (!e.message.includes("CORS")) throw new Error(e.message);
 * ```
 */
export async function send(
  fetchFn: FetchFn,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (cause) {
    throw new KezError("unavailable", `Cannot reach ${url}: ${reason(cause)}`, { cause });
  }
}

/** The innermost reason: a fetch's own message is only "fetch failed". */
/**
 * What browsers say of any failed fetch (Chromium, Firefox, Safari): a refused
 * connection and a refusal by CORS read the same, and page code cannot tell.
 */
const BROWSER_FETCH_FAILURE =
  /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed)$/;

function reason(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const message = e instanceof Error ? e.message : String(e);
  if (BROWSER_FETCH_FAILURE.test(message)) {
    return `${message} (the server may be down, or refused this page by CORS: ` +
      "it must answer with Access-Control-Allow-Origin; the browser's console says which)";
  }
  // Deno repeats the URL, which the message names already.
  return message.replace(/^error sending request for url \([^)]*\): /, "");
}

/**
 * Reads an error answer into a `KezError` with the server's code and message
 * (spec §6.1), or a code from the status when the body is not a spec error.
 *
 * @param res the answer, whose body is consumed
 * @param action what was attempted, std style: `Cannot post event seq 2`
 * @returns the error, to be thrown
 *
 * @example
 * ```ts
 * import { responseError } from "./http.ts";
 * const body = JSON.stringify({ error: { code: "conflict", message: "expected seq 3, got 5" } });
 * const e = await responseError(new Response(body, { status: 409 }), "Cannot post event seq 5");
 * if (e.code !== "conflict" || e.message !== "Cannot post event seq 5: expected seq 3, got 5") {
 *   throw new Error(e.message);
 * }
 * ```
 */
export async function responseError(res: Response, action: string): Promise<KezError> {
  const text = await res.text().catch(() => "");
  let error: unknown;
  try {
    error = (JSON.parse(text) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (isErrorCode(code) && typeof message === "string") {
    return new KezError(code, `${action}: ${message}`);
  }
  const why = `server answered ${res.status} ${res.statusText}`.trimEnd();
  return new KezError(CODE_OF_STATUS[res.status] ?? "internal", `${action}: ${why}`);
}

/**
 * Reads an answer's body as strict UTF-8, as {@linkcode decodeUtf8} does.
 *
 * @param res the answer, whose body is consumed
 * @param source where it came from, for the message
 * @returns the text
 * @throws {KezError} `invalid_json` when the body is not UTF-8
 *
 * @example
 * ```ts
 * import { readText } from "./http.ts";
 * if ((await readText(new Response("{}\n"), "x")) !== "{}\n") throw new Error("unexpected");
 * ```
 */
export async function readText(res: Response, source: string): Promise<string> {
  return decodeUtf8(new Uint8Array(await res.arrayBuffer()), source);
}
