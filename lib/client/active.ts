/**
 * "Is this subject active for this primary?" as one call.
 *
 * @module
 */

import { KezError, parseSubject, type Sigchain } from "../protocol/mod.ts";
import {
  type ChainSource,
  describeFork,
  fetchChain,
  type FetchChainOptions,
  type SourceVerdict,
} from "./fetch_chain.ts";

/** The answer, with the chain it was read from. */
export interface SubjectStatus {
  /** Whether the subject is active: added and not revoked since. */
  readonly active: boolean;
  /** The reconciled chain. */
  readonly chain: Sigchain;
  /** One verdict per source, in the order given. */
  readonly verdicts: readonly SourceVerdict[];
}

/**
 * Fetches a primary's chain from the sources, reconciles the copies (spec
 * §8), and tells whether the subject is active in the result.
 *
 * @param primary the chain's owner
 * @param subject the exact subject string
 * @param sources where to look
 * @param options the `fetch` and signal for the network sources, and each source's time
 * @returns whether the subject is active, the chain and the verdicts
 * @throws {KezError} `invalid_primary` or `invalid_event` (a bad subject);
 *   `conflict` when the sources fork; `not_found` when no source holds a valid copy
 *
 * @example
 * ```ts
 * import { checkSubject } from "./active.ts";
 * import { appendEvent } from "./author.ts";
 * import { generateKey, primaryOfKey } from "./identity.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const key = generateKey("nostr");
 * const chain = new Sigchain(primaryOfKey(key));
 * appendEvent(chain, key, "add", "github:jason");
 * const file = { kind: "reader", name: "chain.jsonl", read: () => Promise.resolve(chain.toJsonl()) } as const;
 * const status = await checkSubject(chain.primary, "github:jason", [file]);
 * if (!status.active) throw new Error("added, so active");
 * ```
 */
export async function checkSubject(
  primary: string,
  subject: string,
  sources: readonly ChainSource[],
  options: FetchChainOptions = {},
): Promise<SubjectStatus> {
  parseSubject(subject);
  const { chain, fork, verdicts } = await fetchChain(primary, sources, options);
  if (fork !== null) {
    throw new KezError(
      "conflict",
      `Cannot check ${subject}: the sources hold a ${describeFork(fork)}`,
    );
  }
  if (chain === null) {
    const reasons = verdicts.map((v) => `${v.source}: ${"reason" in v ? v.reason : v.status}`);
    throw new KezError(
      "not_found",
      `Cannot check ${subject}: no source holds a valid copy of ${primary} (${reasons.join("; ")})`,
    );
  }
  return { active: chain.isActive(subject), chain, verdicts };
}
