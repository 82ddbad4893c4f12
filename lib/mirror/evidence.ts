/**
 * What a mirror keeps when the upstream is caught lying: the failed check and
 * the signed material that proves it, to be printed verbatim.
 *
 * @module
 */

/** The signed material and the place of a failed check. */
export interface EvidenceDetails {
  /** The upstream's base URL. */
  readonly upstream: string;
  /** The upstream log's verifier key, as pinned. */
  readonly key?: string | undefined;
  /** The log index where the check failed, when it is about one entry. */
  readonly index?: number | undefined;
  /** The upstream's line at that index, as served. */
  readonly line?: string | undefined;
  /** The upstream checkpoint being checked, verbatim. */
  readonly upstreamCheckpoint?: string | undefined;
  /** The largest upstream checkpoint verified before it, verbatim. */
  readonly earlierCheckpoint?: string | undefined;
  /** The mirror's own latest checkpoint, verbatim. */
  readonly mirrorCheckpoint?: string | undefined;
}

/**
 * A check of the upstream failed: an invalid event, an index or root that
 * differs, a bad signature, or checkpoints that contradict each other. The
 * follower stops on it for good; {@linkcode MirrorEvidence.report} is what it logs.
 *
 * @example
 * ```ts
 * import { MirrorEvidence } from "./evidence.ts";
 * const e = new MirrorEvidence("root at size 12 differs", {
 *   upstream: "https://kez.example",
 *   upstreamCheckpoint: "kez.example/log\n12\nAAAA\n\n\u2014 kez.example/log AAAAAAE=\n",
 * });
 * if (e.message !== "Cannot follow upstream https://kez.example: root at size 12 differs") {
 *   throw new Error(e.message);
 * }
 * if (!e.report().includes("\n12\nAAAA\n")) throw new Error("the checkpoint is verbatim");
 * ```
 */
export class MirrorEvidence extends Error {
  /** What failed, without the upstream's name. */
  readonly failure: string;
  /** The material of the failure. */
  readonly details: EvidenceDetails;

  /**
   * @param failure what failed, such as `root at size 12 differs`
   * @param details the upstream, the index and the checkpoints involved
   */
  constructor(failure: string, details: EvidenceDetails) {
    super(`Cannot follow upstream ${details.upstream}: ${failure}`);
    this.name = "MirrorEvidence";
    this.failure = failure;
    this.details = details;
  }

  /**
   * The evidence for people: the message, then each item present, the
   * checkpoints and the line verbatim between marker lines.
   *
   * @returns the report, ending in a newline
   */
  report(): string {
    const d = this.details;
    const parts = [
      `${this.message}\n`,
      "The mirror stopped following and keeps serving what it has. Evidence:\n",
      ...d.index === undefined ? [] : [`failed at upstream index: ${d.index}\n`],
      ...d.key === undefined ? [] : [`pinned upstream key: ${d.key}\n`],
      ...verbatim(`upstream line at index ${d.index}`, d.line, "\n"),
      ...verbatim("upstream checkpoint", d.upstreamCheckpoint),
      ...verbatim("earlier upstream checkpoint", d.earlierCheckpoint),
      ...verbatim("mirror checkpoint", d.mirrorCheckpoint),
    ];
    return parts.join("");
  }
}

/** A text between marker lines; the newline keeps the end marker on a line of its own. */
function verbatim(title: string, text: string | undefined, end = ""): string[] {
  if (text === undefined) return [];
  return [`----- ${title} -----\n`, text, end, `----- end of ${title} -----\n`];
}
