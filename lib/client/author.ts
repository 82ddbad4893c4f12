/**
 * Authoring: signing the next event of a chain and appending it, checked by
 * the same core the server uses.
 *
 * @module
 */

import type { ChainEvent, Op, Sigchain, SigningKey } from "../protocol/mod.ts";
import { signEvent } from "../protocol/mod.ts";

/**
 * Signs the next event of a chain and appends it. Every check the server
 * would make runs here first, so a bad subject, a key of another primary or a
 * revoke of an inactive subject fails before any network.
 *
 * @param chain the chain to extend, changed only on success
 * @param key the chain owner's signing key
 * @param op add or revoke
 * @param subject the subject (spec §1.2)
 * @param createdAt the event's timestamp; now, RFC 3339 UTC, by default
 * @returns the appended event
 * @throws {KezError} `invalid_event` for a bad subject or timestamp,
 *   `wrong_primary` for another primary's key, `invalid_op` for a pointless op
 *
 * @example
 * ```ts
 * import { appendEvent } from "./author.ts";
 * import { generateKey, primaryOfKey } from "./identity.ts";
 * import { KezError, Sigchain } from "../protocol/mod.ts";
 * const key = generateKey("ed25519");
 * const chain = new Sigchain(primaryOfKey(key));
 * appendEvent(chain, key, "add", "github:jason");
 * try {
 *   appendEvent(chain, key, "revoke", "dns:jason.example");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "invalid_op") throw e;
 * }
 * if (chain.length !== 1) throw new Error("a refused event is not appended");
 * ```
 */
export function appendEvent(
  chain: Sigchain,
  key: SigningKey,
  op: Op,
  subject: string,
  createdAt: string = new Date().toISOString(),
): ChainEvent {
  const prev = chain.head;
  const envelope = signEvent({
    seq: chain.length,
    ...(prev === null ? {} : { prev }),
    created_at: createdAt,
    op,
    subject,
  }, key);
  return chain.append(envelope);
}
