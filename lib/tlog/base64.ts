/**
 * Base64 as every C2SP transparency format uses it: RFC 4648 §4, the standard
 * alphabet, with padding, and only the canonical spelling of each value.
 *
 * @module
 */

import { base64 } from "@scure/base";

/**
 * Encodes bytes as RFC 4648 §4 base64 with padding.
 *
 * @param bytes the bytes to encode
 * @returns the base64 text
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./base64.ts";
 * if (encodeBase64(new Uint8Array([1])) !== "AQ==") throw new Error("unexpected");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/**
 * Decodes RFC 4648 §4 base64, refusing what other decoders let through
 * (missing padding, non-zero padding bits, whitespace, the URL alphabet), so
 * that each value has one spelling and signed text cannot be re-spelled.
 *
 * @param text the base64 text
 * @returns the decoded bytes
 * @throws {SyntaxError} if `text` is not canonical padded base64
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "./base64.ts";
 * if (decodeBase64("AQ==")[0] !== 1) throw new Error("unexpected");
 * let refused = false;
 * try { decodeBase64("AR=="); } catch { refused = true; }
 * if (!refused) throw new Error("non-zero padding bits must be refused");
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  try {
    return base64.decode(text);
  } catch (e) {
    throw new SyntaxError(`Invalid base64: ${JSON.stringify(text)}`, { cause: e });
  }
}
