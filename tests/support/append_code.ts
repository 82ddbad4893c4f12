/**
 * Test support: an append's outcome as one word, to compare in assertions.
 *
 * @module
 */

import type { KezError } from "../../lib/protocol/mod.ts";

/**
 * Settles an append and names its outcome.
 *
 * @param result the append's promise
 * @returns `"stored"`, or the code of the error it was refused with
 *
 * @example
 * ```ts
 * import { codeOf } from "./append_code.ts";
 * import { KezError } from "../../lib/protocol/mod.ts";
 * if (await codeOf(Promise.reject(new KezError("conflict", "taken"))) !== "conflict") throw new Error();
 * if (await codeOf(Promise.resolve({ seq: 0 })) !== "stored") throw new Error();
 * ```
 */
export async function codeOf(result: Promise<unknown>): Promise<string> {
  return await result.then(() => "stored", (e: KezError) => e.code);
}
