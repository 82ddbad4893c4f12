/**
 * Test support for the client library: local chains of fresh keys, prefixes
 * of them, and a `fetch` that records what it sends.
 *
 * @module
 */

import { appendEvent, type FetchFn, generateKey, primaryOfKey } from "../../lib/client/mod.ts";
import { Sigchain } from "../../lib/protocol/mod.ts";

/** A local chain of a fresh key with the given adds. */
export function localChain(subjects: string[], scheme: "ed25519" | "nostr" = "ed25519") {
  const key = generateKey(scheme);
  const chain = new Sigchain(primaryOfKey(key));
  for (const subject of subjects) appendEvent(chain, key, "add", subject);
  return { key, chain };
}

/** A copy of a chain's first `length` events. */
export function prefix(chain: Sigchain, length: number): Sigchain {
  const copy = new Sigchain(chain.primary);
  for (const event of chain.events.slice(0, length)) copy.append(event.envelope);
  return copy;
}

/** Records every request a client sends, then passes it on. */
export function recording(inner: FetchFn = fetch) {
  const requests: { method: string; url: URL; headers: Headers }[] = [];
  const fetchFn: FetchFn = (input, init = {}) => {
    requests.push({
      method: init.method ?? "GET",
      url: new URL(input),
      headers: new Headers(init.headers),
    });
    return inner(input, init);
  };
  return { fetch: fetchFn, requests };
}
