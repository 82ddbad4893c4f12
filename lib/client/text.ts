/**
 * Strict decoding of chain copies: a lossy decode could turn a damaged copy
 * into one that still parses.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

// ignoreBOM keeps a leading U+FEFF in the text so that the JSON parser refuses it (spec §2).
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes as strict UTF-8.
 *
 * @param bytes the bytes
 * @param source where they came from, for the message
 * @returns the text
 * @throws {KezError} `invalid_json` when the bytes are not UTF-8
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./text.ts";
 * try {
 *   decodeUtf8(new Uint8Array([0xff]), "chain.jsonl");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e as Error).message.includes("chain.jsonl")) throw e;
 * }
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new KezError("invalid_json", `Cannot read ${source}: it is not valid UTF-8`, { cause });
  }
}
