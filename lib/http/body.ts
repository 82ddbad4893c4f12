/**
 * Reading a request body under a size limit (spec §5 check 2) and a time
 * limit, without ever buffering more than the size limit.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";
import { CORS } from "./responses.ts";

/** The largest body a POST may carry, in bytes (spec §5). */
export const MAX_BODY_BYTES = 65_536;

/**
 * The longest a POST body may take to arrive, in milliseconds, counted from
 * when the handler starts reading it. 64 KiB in 10 s is 6.5 KB/s, far below
 * any real link, and an event is usually under 2 KB; a client slower than
 * that is stalled or hostile, and is not allowed to hold a request open (and
 * with it a graceful shutdown, which waits for requests in flight).
 */
export const BODY_TIMEOUT_MS = 10_000;

function tooLarge(limit: number): KezError {
  return new KezError("payload_too_large", `Cannot read body: it is over ${limit} bytes`);
}

/**
 * The body did not arrive in time. Not a {@linkcode KezError}: its answer,
 * from {@linkcode timeoutResponse}, also closes the connection.
 *
 * @example
 * ```ts
 * import { BodyTimeoutError } from "./body.ts";
 * const e = new BodyTimeoutError(10_000);
 * if (e.timeoutMs !== 10_000 || !e.message.includes("10 s")) throw new Error(e.message);
 * ```
 */
export class BodyTimeoutError extends Error {
  /** The time limit that passed, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param timeoutMs the time limit that passed, in milliseconds
   */
  constructor(timeoutMs: number) {
    super(`Cannot read body: it did not arrive within ${timeoutMs / 1000} s`);
    this.name = "BodyTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/**
 * What a deliberately failed answer body reports. Failing the body after the
 * answer's bytes is how {@linkcode timeoutResponse} closes a connection, and
 * `Deno.serve` hands the failure to its `onError`, which can recognise it by
 * this class; its stack is its message alone, so that the default `onError`
 * prints one plain line.
 *
 * @example
 * ```ts
 * import { ConnectionDropped } from "./body.ts";
 * const e = new ConnectionDropped("the body stalled");
 * if (e.stack !== "ConnectionDropped: the body stalled") throw new Error(e.stack);
 * ```
 */
export class ConnectionDropped extends Error {
  /**
   * @param reason why the connection is dropped
   */
  constructor(reason: string) {
    super(reason);
    this.name = "ConnectionDropped";
    this.stack = `${this.name}: ${reason}`;
  }
}

/**
 * Reads a request body whole, refusing it as soon as it is known to be too
 * large (from `Content-Length` before reading, or while reading a chunked
 * body) or once it has taken too long.
 *
 * @param req the request
 * @param limit the most bytes allowed
 * @param timeoutMs the longest the whole body may take, in milliseconds
 * @returns the body bytes (empty when there is no body)
 * @throws {KezError} `payload_too_large`; `unavailable` when the reading breaks off mid-body
 *   (the client left, or the server is shutting down)
 * @throws {BodyTimeoutError} when the body is not complete within `timeoutMs`
 *
 * @example
 * ```ts
 * import { readBody } from "./body.ts";
 * const req = new Request("http://x/", { method: "POST", body: "x".repeat(11) });
 * try {
 *   await readBody(req, 10);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if ((e as { code?: string }).code !== "payload_too_large") throw e;
 * }
 * ```
 */
export async function readBody(
  req: Request,
  limit: number = MAX_BODY_BYTES,
  timeoutMs: number = BODY_TIMEOUT_MS,
): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array> | "expired";
      try {
        result = await Promise.race([reader.read(), expired]);
      } catch (cause) {
        // Deno ends the reading of every body still arriving when the server shuts down (and
        // when the client goes away): the event is fine and was not stored, so "retry".
        throw new KezError(
          "unavailable",
          "Cannot read body: the connection or the server closed before its end; retry",
          { cause },
        );
      }
      if (result === "expired") throw new BodyTimeoutError(timeoutMs);
      if (result.done) break;
      size += result.value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(result.value);
    }
    complete = true;
  } finally {
    clearTimeout(timer);
    // What is left of a refused body is never read; a pending read ends with the cancel.
    if (!complete) reader.cancel().catch(() => {});
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The answer to a body that did not arrive in time: `408` with code
 * `request_timeout`, after which the connection is closed.
 *
 * The close is the point. `Deno.serve` keeps a connection open, and a
 * graceful shutdown waiting, until the client finishes a request body it
 * stopped sending, however long that takes and even after the answer; the
 * only way a handler can make it let go is to fail the answer's body, which
 * this does once the error JSON has been handed over. A client that still
 * reads the answer gets the status and the JSON, then the end of the
 * connection instead of the end of a chunked body.
 *
 * @param error the timeout
 * @returns the answer
 *
 * @example
 * ```ts
 * import { BodyTimeoutError, timeoutResponse } from "./body.ts";
 * const res = timeoutResponse(new BodyTimeoutError(10_000));
 * if (res.status !== 408 || res.headers.get("connection") !== "close") throw new Error("unexpected");
 * const reader = res.body!.getReader();
 * const first = await reader.read();
 * const json = JSON.parse(new TextDecoder().decode(first.value));
 * if (json.error.code !== "request_timeout") throw new Error(json.error.code);
 * if (!(await reader.read().catch((e) => e) instanceof Error)) throw new Error("not failed");
 * ```
 */
export function timeoutResponse(error: BodyTimeoutError): Response {
  const json = { error: { code: "request_timeout", message: error.message } };
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(bytes),
    // Asked for more only once the JSON has been taken.
    pull: (controller) =>
      controller.error(new ConnectionDropped(`closed a connection: ${error.message}`)),
  });
  return new Response(body, {
    status: 408,
    headers: [["content-type", "application/json"], ...CORS, ["connection", "close"]],
  });
}
