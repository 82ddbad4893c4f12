/**
 * Reading a request body under a size limit (spec §5 check 2) and a time
 * limit, without ever buffering more than the size limit.
 *
 * @module
 */

import { BODY_TIMEOUT_MS, KezError, MAX_BODY_BYTES } from "../protocol/mod.ts";

function timedOut(timeoutMs: number): KezError {
  return new KezError(
    "request_timeout",
    `Cannot read body: it did not arrive within ${timeoutMs / 1000} s`,
  );
}

/**
 * The most reads one body may take. A real client's 64 KiB arrives in a few
 * dozen reads (a TCP segment or a chunk each); a client that sends it a byte
 * at a time makes the server do an operation per byte, so past this many the
 * body is refused as too costly, whatever its size. At the limit a body
 * averages 16 bytes per read, more than any link's framing needs.
 */
export const MAX_BODY_READS = 4096;

function tooLarge(limit: number): KezError {
  return new KezError("payload_too_large", `Cannot read body: it is over ${limit} bytes`);
}

function tooFragmented(reads: number): KezError {
  return new KezError(
    "payload_too_large",
    `Cannot read body: it came in more than ${reads} pieces; send it in fewer`,
  );
}

/**
 * Reads a request body whole into one buffer of at most `limit + 1` bytes,
 * refusing it as soon as it is known to be too large (from `Content-Length`
 * before reading, or while reading), too fragmented (more than `maxReads`
 * reads) or too slow.
 *
 * The buffer is the point: a body stream's default reader hands each read a
 * fresh 64 KiB buffer, so a body sent a byte at a time would cost 64 KiB per
 * byte (measured: 65,000 one-byte chunks took the process from 54 MB to 3.2 GB
 * when the views were kept). Past its first two reads, a byte stream is read
 * with a BYOB reader into the one buffer; any other stream (a body the HTTP
 * layer had whole, a `Request` built in the process) has each chunk copied in
 * and dropped.
 *
 * @param req the request
 * @param limit the most bytes allowed
 * @param timeoutMs the longest the whole body may take, in milliseconds
 * @param maxReads the most reads allowed
 * @returns the body bytes (empty when there is no body)
 * @throws {KezError} `payload_too_large` when over `limit` bytes or `maxReads` reads;
 *   `request_timeout` when the body is not complete within `timeoutMs`; `unavailable` when
 *   the reading breaks off mid-body (the client left, or the server is shutting down)
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
 * const ok = await readBody(new Request("http://x/", { method: "POST", body: "{}" }));
 * if (new TextDecoder().decode(ok) !== "{}") throw new Error("body");
 * ```
 */
export async function readBody(
  req: Request,
  limit: number = MAX_BODY_BYTES,
  timeoutMs: number = BODY_TIMEOUT_MS,
  maxReads: number = MAX_BODY_READS,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (req.body === null) return new Uint8Array(0);
  const pieces = pieceReader(req.body, declared === null ? limit : Number(declared), limit);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  let complete = false;
  try {
    for (let reads = 0;; reads++) {
      if (reads > maxReads) throw tooFragmented(maxReads);
      let result: boolean | "expired";
      try {
        result = await Promise.race([pieces.next(), expired]);
      } catch {
        // Deno ends the reading of every body still arriving when the server shuts down (and
        // when the client goes away): the event is fine and was not stored, so "retry". No
        // cause: the request log has the answer, and a warning per client that leaves would
        // let any client flood the log.
        throw new KezError(
          "unavailable",
          "Cannot read body: the connection or the server closed before its end; retry",
        );
      }
      if (result === "expired") throw timedOut(timeoutMs);
      if (pieces.size > limit) throw tooLarge(limit);
      if (!result) break;
    }
    complete = true;
  } finally {
    clearTimeout(timer);
    // What is left of a refused body is never read; a pending read ends with the cancel.
    if (!complete) pieces.cancel();
  }
  return pieces.take();
}

/**
 * Room left in the buffer past any body within the limit. A BYOB read into a
 * view smaller than the data waiting never returns (seen with Deno 2.9.6 on
 * a view of 2 bytes before an 8 KiB chunk), and Deno reads at most 64 KiB at
 * a time, so every read is offered at least that much room.
 */
const READ_ROOM = 65_536;

/**
 * Buffers for bodies of up to 16 KiB (every event the server sees in
 * practice), kept for the next body: each read needs its 64 KiB of room, and
 * a fresh buffer per request made the collector run and the malloc heap grow
 * at every POST. A body is copied out of its buffer (a few hundred bytes), so
 * nothing outlives the request in a kept buffer.
 */
const KEPT_SIZE = 16_384 + 1 + READ_ROOM;
/** The most buffers kept: bodies are read one after the other far more than at once. */
const KEPT_MAX = 16;
const kept: ArrayBuffer[] = [];

/**
 * Reads through a plain reader before a BYOB one is asked for. A body the
 * HTTP layer had whole when the request came (most POSTs) is not a byte
 * stream, and asking it for a BYOB reader throws, which cost a POST more than
 * all its reads; such a body ends within two reads (its chunk, then its end),
 * so it is never asked.
 */
const PLAIN_READS = 2;

/** Reads a stream into one buffer of at most `max` bytes (and the room of a last read). */
interface PieceReader {
  /** Reads once; resolves false at the end of the stream. */
  next(): Promise<boolean>;
  /** The bytes read so far; over `max` once the stream held more than `max`. */
  readonly size: number;
  /** The bytes read, as a copy when the buffer is kept for another body; call once, at the end. */
  take(): Uint8Array<ArrayBuffer>;
  /** Stops reading. */
  cancel(): void;
}

/**
 * @param body the stream
 * @param expected the bytes it should hold (its `Content-Length`), for the first buffer
 * @param max the most it may hold
 */
function pieceReader(body: ReadableStream<Uint8Array>, expected: number, max: number): PieceReader {
  // One byte of room past the expected end tells a longer stream from one that ends there.
  const want = Math.min(expected, max) + 1 + READ_ROOM;
  let buffer = want <= KEPT_SIZE
    ? new Uint8Array(kept.pop() ?? new ArrayBuffer(KEPT_SIZE))
    : new Uint8Array(want);
  let size = 0;
  let byob: ReadableStreamBYOBReader | null = null;
  let plain = body.getReader();
  let reads = 0;
  /** Goes on with a BYOB reader, where the stream is a byte stream. */
  const switchReader = () => {
    plain.releaseLock();
    try {
      byob = body.getReader({ mode: "byob" });
    } catch {
      plain = body.getReader();
    }
  };
  /** Makes room for a read, unless the body is over `max` already. */
  const room = (): boolean => {
    if (size > max) return false;
    if (buffer.length - size >= READ_ROOM) return true;
    const grown = new Uint8Array(max + 1 + READ_ROOM);
    grown.set(buffer.subarray(0, size));
    buffer = grown;
    return true;
  };
  return {
    get size() {
      return size;
    },
    async next() {
      if (!room()) return true;
      if (reads++ === PLAIN_READS) switchReader();
      if (byob !== null) {
        const result = await byob.read(buffer.subarray(size));
        if (result.value !== undefined) {
          // The read moved the buffer into its answer; the old one is detached.
          buffer = new Uint8Array(result.value.buffer);
          size += result.value.byteLength;
        }
        return !result.done;
      }
      const result = await plain.read();
      if (result.done) return false;
      let chunk = result.value;
      while (chunk.byteLength > 0 && room()) {
        const n = Math.min(chunk.byteLength, buffer.length - size);
        buffer.set(chunk.subarray(0, n), size);
        size += n;
        chunk = chunk.subarray(n);
      }
      return true;
    },
    take() {
      if (buffer.length !== KEPT_SIZE) return buffer.subarray(0, size);
      const bytes = buffer.slice(0, size);
      if (kept.length < KEPT_MAX) kept.push(buffer.buffer);
      return bytes;
    },
    cancel() {
      (byob ?? plain).cancel().catch(() => {});
    },
  };
}
