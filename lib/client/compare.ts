/**
 * Comparing two copies of one chain event by event.
 *
 * @module
 */

import type { Sigchain } from "../protocol/mod.ts";

/**
 * Finds the first seq at which two chains of one primary hold different
 * events. Each hash covers the one before it (through `prev`), so equal
 * hashes at a seq mean equal chains up to there.
 *
 * @param a one chain
 * @param b the other
 * @returns the first differing seq below the shorter length, or null when the
 *   shorter chain is a prefix of the longer
 *
 * @example
 * ```ts
 * import { forkSeq } from "./compare.ts";
 * import { generateSecret, Sigchain, signEvent } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const draft = { seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" } as const;
 * const a = new Sigchain(signEvent(draft, key).payload.primary);
 * const b = new Sigchain(a.primary);
 * a.append(signEvent(draft, key));
 * if (forkSeq(a, b) !== null) throw new Error("an empty chain is a prefix of any");
 * b.append(signEvent({ ...draft, subject: "github:b" }, key));
 * if (forkSeq(a, b) !== 0) throw new Error("they differ at seq 0");
 * ```
 */
export function forkSeq(a: Sigchain, b: Sigchain): number | null {
  const length = Math.min(a.length, b.length);
  for (let seq = 0; seq < length; seq++) {
    if (a.events[seq]!.hash !== b.events[seq]!.hash) return seq;
  }
  return null;
}
