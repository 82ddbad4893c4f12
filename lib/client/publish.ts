/**
 * Publishing a local chain: send only what the server lacks, in order, and
 * refuse to send anything to a server whose chain has diverged.
 *
 * @module
 */

import { type Envelope, KezError, type Sigchain } from "../protocol/mod.ts";
import { forkSeq } from "./compare.ts";

/** What a publish did. */
export interface PublishResult {
  /** Events posted now. */
  readonly posted: number;
  /** Events the server held already. */
  readonly present: number;
}

/** The two calls publishing needs; a {@linkcode KezClient} has them. */
export interface PublishTarget {
  /** The server's base URL, for messages. */
  readonly server: string;
  /**
   * Reads the server's verified chain.
   *
   * @param primary the chain's owner
   * @returns the chain, empty when the server holds none
   */
  getChain(primary: string): Promise<Sigchain>;
  /**
   * Posts one event.
   *
   * @param envelope the event
   * @returns the server's answer, unused here
   */
  postEvent(envelope: Envelope): Promise<unknown>;
}

/** How many of the local events the server holds; throws if it holds anything else. */
function heldPrefix(local: Sigchain, remote: Sigchain, server: string): number {
  const seq = forkSeq(local, remote);
  if (seq !== null) {
    throw new KezError(
      "conflict",
      `Cannot publish chain: server ${server} holds a different event at seq ${seq} ` +
        `(server ${remote.events[seq]!.hash}, local ${local.events[seq]!.hash})`,
    );
  }
  if (remote.length > local.length) {
    throw new KezError(
      "conflict",
      `Cannot publish chain: server ${server} holds an event at seq ${local.length} that the ` +
        `local chain lacks (${remote.length} events, local ${local.length}); pull first`,
    );
  }
  return remote.length;
}

/**
 * Publishes a local chain: GETs the server's chain, checks it is a prefix of
 * the local one, then POSTs the missing events in order. A `409` while
 * posting means someone else posted at that seq: the server's chain is read
 * again, and identical events count as present.
 *
 * @param target the server
 * @param chain the local chain
 * @returns how many events were posted and how many the server held already
 * @throws {KezError} `conflict` naming the first seq where the server's chain
 *   differs (before any post, nothing is posted); the server's code when a post fails
 *
 * @example
 * ```ts
 * import { publishChain } from "./publish.ts";
 * import { generateSecret, Sigchain, signEvent, type Envelope } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key);
 * const local = new Sigchain(env.payload.primary);
 * local.append(env);
 * // An in-memory server.
 * const held = new Sigchain(local.primary);
 * const target = {
 *   server: "memory:",
 *   getChain: () => Promise.resolve(Sigchain.fromJsonl(held.toJsonl(), local.primary)),
 *   postEvent: (e: Envelope) => Promise.resolve(held.append(e)),
 * };
 * const first = await publishChain(target, local);
 * const second = await publishChain(target, local);
 * if (first.posted !== 1 || second.posted !== 0 || second.present !== 1) throw new Error("unexpected");
 * ```
 */
export async function publishChain(target: PublishTarget, chain: Sigchain): Promise<PublishResult> {
  const { server } = target;
  let held = heldPrefix(chain, await target.getChain(chain.primary), server);
  let posted = 0;
  while (held < chain.length) {
    try {
      await target.postEvent(chain.events[held]!.envelope);
      posted++;
      held++;
    } catch (e) {
      if (!(e instanceof KezError) || e.code !== "conflict") throw e;
      const now = heldPrefix(chain, await target.getChain(chain.primary), server);
      if (now <= held) throw e;
      held = now;
    }
  }
  return { posted, present: chain.length - posted };
}
