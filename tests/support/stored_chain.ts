/**
 * Test support: a chain as the server serves it, verified from seq 0 by the
 * protocol library, the way any client would check it.
 *
 * @module
 */

import { parsePrimary, primaryPath, Sigchain } from "../../lib/protocol/mod.ts";

/**
 * Fetches `GET /v1/sigchains/{scheme}/{id}` and verifies the whole chain.
 *
 * @param base `http://127.0.0.1:PORT`
 * @param primary the chain's primary, `scheme:id`
 * @param timeoutMs the longest the request may take
 * @returns the verified chain, or null when the server has no events for it (404)
 * @throws {Error} for any other status, or a `KezError` naming the first line that does not verify
 *
 * @example
 * ```ts ignore
 * const chain = await fetchChain(server.base, author.primary);
 * console.log(chain?.length ?? 0, "events");
 * ```
 */
export async function fetchChain(
  base: string,
  primary: string,
  timeoutMs = 10_000,
): Promise<Sigchain | null> {
  const path = primaryPath(parsePrimary(primary));
  const res = await fetch(`${base}/v1/sigchains/${path}`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return Sigchain.fromJsonl(text, primary);
}
