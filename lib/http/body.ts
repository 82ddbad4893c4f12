/**
 * Reading a request body under a size limit without ever buffering more than
 * the limit (spec §5 check 2).
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

/** The largest body a POST may carry, in bytes (spec §5). */
export const MAX_BODY_BYTES = 65_536;

function tooLarge(limit: number): KezError {
  return new KezError("payload_too_large", `Cannot read body: it is over ${limit} bytes`);
}

/**
 * Reads a request body whole, refusing it as soon as it is known to be too
 * large: from `Content-Length` before reading, or while reading a chunked body.
 *
 * @param req the request
 * @param limit the most bytes allowed
 * @returns the body bytes (empty when there is no body)
 * @throws {KezError} `payload_too_large`
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
export async function readBody(req: Request, limit: number = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (req.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
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
