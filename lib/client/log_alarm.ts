/**
 * The alarm of spec §10.4, of `kez` and of the mirror alike: a server's
 * transparency log failed a check, which is evidence that the server shows
 * different logs to different clients, or serves what its log does not hold.
 * It carries that evidence verbatim, so that someone else can check it.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";

/** One piece of evidence: a signed checkpoint, a proof, an event line, verbatim. */
export interface Evidence {
  /** What it is and where it came from, e.g. `served checkpoint (GET /v1/log/checkpoint)`. */
  readonly name: string;
  /** The exact text, or `none` when there is none (no checkpoint kept yet). */
  readonly text: string;
}

/**
 * The kept checkpoint as evidence: the largest verified for a log before
 * the check that failed.
 *
 * @param note the kept checkpoint's signed note, or null when none is kept yet
 * @returns the evidence, whose text is `none` when nothing was kept
 *
 * @example
 * ```ts
 * import { keptCheckpointEvidence } from "./log_alarm.ts";
 * if (keptCheckpointEvidence(null).text !== "none") throw new Error("unexpected");
 * ```
 */
export function keptCheckpointEvidence(note: string | null): Evidence {
  return { name: "kept checkpoint (the largest verified before)", text: note ?? "none" };
}

/**
 * A check of a server's log failed. Never to be silently accepted: the
 * evidence (the kept and the served checkpoints at least) goes to the user.
 * Its code is `conflict`: what the server shows conflicts with what it, or
 * its log, showed before.
 *
 * @example
 * ```ts
 * import { LogAlarm } from "./log_alarm.ts";
 * const alarm = new LogAlarm("http://localhost:7878", "Cannot verify checkpoint of http://localhost:7878: bad", [
 *   { name: "kept checkpoint", text: "none" },
 * ]);
 * if (alarm.code !== "conflict" || alarm.evidence.length !== 1) throw new Error("unexpected");
 * ```
 */
export class LogAlarm extends KezError {
  /** The server whose log failed the check. */
  readonly server: string;
  /** The checkpoints and proofs that show the failure, verbatim. */
  readonly evidence: readonly Evidence[];

  /**
   * @param server the server's base URL
   * @param message what failed, e.g. `Cannot verify checkpoint of …: …`
   * @param evidence the texts that show it
   * @param options the underlying cause, if any
   */
  constructor(
    server: string,
    message: string,
    evidence: readonly Evidence[],
    options?: ErrorOptions,
  ) {
    super("conflict", message, options);
    this.name = "LogAlarm";
    this.server = server;
    this.evidence = evidence;
  }

  /**
   * The evidence for people: each item verbatim but its final newline,
   * between a `-----BEGIN <name>-----` and an `-----END <name>-----` line.
   *
   * @returns the items, each line ending in a newline
   *
   * @example
   * ```ts
   * import { LogAlarm } from "./log_alarm.ts";
   * const alarm = new LogAlarm("http://localhost:7878", "Cannot verify checkpoint of http://localhost:7878: bad", [
   *   { name: "served checkpoint", text: "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n" },
   * ]);
   * if (!alarm.report().startsWith("-----BEGIN served checkpoint-----\nexample.com/log\n0\n")) {
   *   throw new Error(alarm.report());
   * }
   * ```
   */
  report(): string {
    return this.evidence.map(({ name, text }) =>
      `-----BEGIN ${name}-----\n${text.replace(/\n$/, "")}\n-----END ${name}-----\n`
    ).join("");
  }
}
