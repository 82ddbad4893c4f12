/**
 * What a log monitor reports: an event that the log and the server's chains
 * disagree about, named by its primary, seq and log index.
 *
 * @module
 */

/**
 * The kinds of problem a monitor finds:
 * - `invalid_entry`: the log holds an entry that is not an event extending
 *   its chain (§8): two events at one seq, a bad signature, a bad op;
 * - `withheld`: the log holds an event that the server's chain lacks;
 * - `altered`: the server's chain holds another event than the log at a seq;
 * - `unlogged`: the server's chain holds an event its log does not;
 * - `invalid_chain`: the chain the server serves fails §8.
 */
export type FindingKind = "invalid_entry" | "withheld" | "altered" | "unlogged" | "invalid_chain";

/** One problem a monitor found. */
export interface MonitorFinding {
  /** What kind of problem. */
  readonly kind: FindingKind;
  /** The chain's owner, or null for an entry that names none. */
  readonly primary: string | null;
  /** The event's seq, or null when no one event is to blame. */
  readonly seq: number | null;
  /** The event's index in the log, or null when the log does not hold it. */
  readonly index: number | null;
  /** What is wrong, for people. */
  readonly message: string;
}
