/**
 * Replaying a transparency log entry by entry (spec §10.4): the root
 * recomputed, every chain rebuilt and verified as §8 says, in a state that a
 * monitor keeps between runs to resume where it stopped.
 *
 * @module
 */

import { KezError, parseEnvelope, parseJsonText, toChainEvent } from "../protocol/mod.ts";
import { decodeBase64, encodeBase64, leafHash } from "../tlog/mod.ts";
import { LoggedChain, type LoggedChainState } from "./logged_chain.ts";
import { LogTree } from "./log_tree.ts";
import type { MonitorFinding } from "./monitor_finding.ts";

const encoder = new TextEncoder();

/** A replay as kept between runs. */
export interface MonitorState {
  /** The verifier key of the log replayed; another key's log starts over. */
  readonly key: string;
  /** How many entries were replayed: the index to go on from. */
  readonly size: number;
  /** The tree's peaks, base64, largest first (see {@linkcode LogTree.peaks}). */
  readonly peaks: readonly string[];
  /** Each primary's chain in the log. */
  readonly chains: Readonly<Record<string, LoggedChainState>>;
  /** The entries found invalid so far: they stay in the log, so they stay reported. */
  readonly problems: readonly MonitorFinding[];
}

/**
 * A replay in progress.
 *
 * @example
 * ```ts
 * import { LogReplay } from "./log_replay.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * import { leafHash, rootOf } from "../tlog/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const line = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key)).line;
 * const replay = new LogReplay("example.com/log+00000000+AQ==", null);
 * replay.add(line);
 * replay.add(line); // the same event twice: the second does not extend the chain
 * const again = new LogReplay("example.com/log+00000000+AQ==", replay.toState());
 * const leaves = [line, line].map((l) => leafHash(new TextEncoder().encode(l)));
 * if (again.root().toString() !== rootOf(leaves).toString()) throw new Error("root");
 * if (again.problems[0]?.index !== 1 || again.problems[0].seq !== 0) throw new Error("problem");
 * ```
 */
export class LogReplay {
  /** The verifier key of the log replayed. */
  readonly key: string;
  readonly #tree: LogTree;
  readonly #chains = new Map<string, LoggedChain>();
  readonly #problems: MonitorFinding[];

  /**
   * @param key the verifier key of the log to replay
   * @param state a replay kept before; ignored when it is of another key
   * @throws {RangeError} when the kept state is malformed
   * @throws {SyntaxError} when a kept peak is not base64
   */
  constructor(key: string, state: MonitorState | null) {
    this.key = key;
    const kept = state?.key === key ? state : null;
    this.#tree = kept === null
      ? new LogTree()
      : LogTree.resume(kept.size, kept.peaks.map(decodeBase64));
    for (const [primary, chain] of Object.entries(kept?.chains ?? {})) {
      this.#chains.set(primary, new LoggedChain(primary, chain));
    }
    this.#problems = [...kept?.problems ?? []];
  }

  /** How many entries were replayed. */
  get size(): number {
    return this.#tree.size;
  }

  /** Each primary's chain as the log holds it, primaries in the order the log first named them. */
  get chains(): ReadonlyMap<string, LoggedChain> {
    return this.#chains;
  }

  /** The entries found invalid. */
  get problems(): readonly MonitorFinding[] {
    return this.#problems;
  }

  /**
   * The root of the entries replayed.
   *
   * @returns the Merkle Tree Hash
   */
  root(): Uint8Array {
    return this.#tree.root();
  }

  /**
   * Replays the next entry: a leaf of the tree whatever it holds, and an
   * event of its chain when it is one that extends it (else a problem).
   *
   * @param line the entry's bytes as text, without a newline
   */
  add(line: string): void {
    const index = this.#tree.size;
    this.#tree.append(leafHash(encoder.encode(line)));
    let event;
    try {
      event = toChainEvent(parseEnvelope(parseJsonText(line)));
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      this.#problem(null, null, index, `the entry is not an event: ${e.message}`);
      return;
    }
    const { primary, seq } = event.envelope.payload;
    if (event.line !== line) {
      this.#problem(primary, seq, index, "the entry is not the event's canonical form (JCS)");
      return;
    }
    let chain = this.#chains.get(primary);
    if (chain === undefined) {
      chain = new LoggedChain(primary);
      this.#chains.set(primary, chain);
    }
    try {
      chain.append(event, index);
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      this.#problem(
        primary,
        seq,
        index,
        `the event does not extend the chain the log holds (${chain.length} event(s)): ${e.message}`,
      );
    }
  }

  #problem(primary: string | null, seq: number | null, index: number, why: string): void {
    const at = primary === null ? "" : ` (${primary} seq ${seq})`;
    this.#problems.push({
      kind: "invalid_entry",
      primary,
      seq,
      index,
      message: `log index ${index}${at}: ${why}`,
    });
  }

  /**
   * The replay in the form kept between runs.
   *
   * @returns the state, JSON-ready
   */
  toState(): MonitorState {
    const chains: Record<string, LoggedChainState> = {};
    for (const [primary, chain] of this.#chains) chains[primary] = chain.toState();
    return {
      key: this.key,
      size: this.#tree.size,
      peaks: this.#tree.peaks().map(encodeBase64),
      chains,
      problems: [...this.#problems],
    };
  }
}
