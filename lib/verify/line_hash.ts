/**
 * An event's hash (spec §2) with the runtime's SHA-256: a POST's line is
 * hashed on the serving thread, where `node:crypto` takes about a fifth of
 * the time of the pure-JS hash that `lib/protocol` uses by default.
 *
 * @module
 */

import { hash } from "node:crypto";

/**
 * Hashes a canonical line as `hashLine` of `lib/protocol` does: `"sha256:"`
 * and the lowercase hex SHA-256 of its UTF-8 bytes.
 *
 * @param line `JCS(envelope)`
 * @returns `"sha256:"` + 64 lowercase hex
 *
 * @example
 * ```ts
 * import { nativeHashLine } from "./line_hash.ts";
 * import { hashLine } from "../protocol/mod.ts";
 * if (nativeHashLine("{}") !== hashLine("{}")) throw new Error("the same hash");
 * ```
 */
export function nativeHashLine(line: string): string {
  return "sha256:" + hash("sha256", line, "hex");
}
