/**
 * Text and JSON forms of chains and verdicts, shared by the commands.
 *
 * @module
 */

import type { Sigchain } from "../protocol/mod.ts";
import type { SourceVerdict } from "../client/mod.ts";

/** A chain's summary as `--json` prints it. */
export interface ChainSummary {
  /** The owner. */
  readonly primary: string;
  /** How many events it holds. */
  readonly length: number;
  /** The last event's hash, or null when empty. */
  readonly head: string | null;
  /** The active subjects. */
  readonly active: readonly string[];
}

/**
 * A chain's summary: primary, length, head and active subjects.
 *
 * @param chain the chain
 * @returns the summary
 *
 * @example
 * ```ts
 * import { summary } from "./format.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const s = summary(new Sigchain("ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
 * if (s.length !== 0 || s.head !== null) throw new Error("unexpected");
 * ```
 */
export function summary(chain: Sigchain): ChainSummary {
  return {
    primary: chain.primary,
    length: chain.length,
    head: chain.head,
    active: chain.activeSubjects(),
  };
}

/**
 * The `Head:` and `Active:` lines of a chain. Subjects hold no whitespace
 * (spec §1.2), so a space separates them unambiguously.
 *
 * @param chain the chain
 * @returns two lines
 *
 * @example
 * ```ts
 * import { stateLines } from "./format.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const lines = stateLines(new Sigchain("ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
 * if (lines.join("\n") !== "Head: none\nActive: none") throw new Error(lines.join("\n"));
 * ```
 */
export function stateLines(chain: Sigchain): string[] {
  const active = chain.activeSubjects();
  return [
    `Head: ${chain.head ?? "none"}`,
    `Active: ${active.length === 0 ? "none" : active.join(" ")}`,
  ];
}

/**
 * One source's verdict as a line.
 *
 * @param verdict the verdict
 * @returns `source: valid, N event(s)`, or `source: invalid|unreachable|not found: reason`
 *
 * @example
 * ```ts
 * import { verdictLine } from "./format.ts";
 * const line = verdictLine({ source: "a.jsonl", status: "invalid", reason: "line 1: bad" });
 * if (line !== "a.jsonl: invalid: line 1: bad") throw new Error(line);
 * ```
 */
export function verdictLine(verdict: SourceVerdict): string {
  return verdict.status === "valid"
    ? `${verdict.source}: valid, ${verdict.length} event(s)`
    : `${verdict.source}: ${verdict.status.replace("_", " ")}: ${verdict.reason}`;
}
