/**
 * Reconciling copies of one primary's chain from several sources (spec §8).
 *
 * @module
 */

import { KezError } from "./error.ts";
import { Sigchain } from "./sigchain.ts";

/** One source's copy of a chain, as JSONL text. */
export interface ChainCopy {
  /** Where the copy came from, for reports (a URL, a file name). */
  readonly source: string;
  /** The JSONL text of the copy. */
  readonly text: string;
}

/** What reconciliation made of one copy. */
export type CopyVerdict =
  | { readonly source: string; readonly valid: true; readonly length: number }
  | { readonly source: string; readonly valid: false; readonly reason: string };

/** Two valid copies that hold different events at the same seq. */
export interface Fork {
  /** The first seq at which the copies differ. */
  readonly seq: number;
  /** The two sources, longest copy first. */
  readonly sources: readonly [string, string];
  /** The two event hashes at `seq`, in the order of `sources`. */
  readonly hashes: readonly [string, string];
}

/** The outcome: a winning chain, or a fork, or neither when no copy is valid. */
export interface Reconciliation {
  /** The longest valid copy when every valid copy is a prefix of it; else null. */
  readonly chain: Sigchain | null;
  /** The first fork found, when there is one; the chain is then null. */
  readonly fork: Fork | null;
  /** One verdict per copy, in the order given. */
  readonly verdicts: readonly CopyVerdict[];
}

/**
 * Drops invalid copies; if every valid copy is a prefix of the longest, the
 * longest wins; if two hold different events at one seq, reports the fork and
 * picks neither.
 *
 * @param primary the primary every copy must belong to
 * @param copies the copies, each JSONL
 * @returns the winner or the fork, and a verdict per copy
 *
 * @example
 * ```ts
 * import { reconcile } from "./reconcile.ts";
 * const r = reconcile("ed25519:" + "ab".repeat(32), [{ source: "a", text: "not json\n" }]);
 * if (r.chain !== null || r.verdicts[0]?.valid !== false) throw new Error("accepted garbage");
 * ```
 */
export function reconcile(primary: string, copies: readonly ChainCopy[]): Reconciliation {
  const valid: { source: string; chain: Sigchain }[] = [];
  const verdicts: CopyVerdict[] = copies.map(({ source, text }) => {
    try {
      const chain = Sigchain.fromJsonl(text, primary);
      valid.push({ source, chain });
      return { source, valid: true, length: chain.length };
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      return { source, valid: false, reason: e.message };
    }
  });
  // A stable sort keeps the given order among equally long copies.
  const [longest, ...rest] = valid.toSorted((a, b) => b.chain.length - a.chain.length);
  if (longest === undefined) return { chain: null, fork: null, verdicts };
  for (const other of rest) {
    const seq = other.chain.events.findIndex((e, i) => e.hash !== longest.chain.events[i]!.hash);
    if (seq >= 0) {
      const fork: Fork = {
        seq,
        sources: [longest.source, other.source],
        hashes: [longest.chain.events[seq]!.hash, other.chain.events[seq]!.hash],
      };
      return { chain: null, fork, verdicts };
    }
  }
  return { chain: longest.chain, fork: null, verdicts };
}
