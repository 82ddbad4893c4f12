/**
 * The log's side of c2sp.org/tlog-witness: on an interval, the leader of a
 * database sends its latest checkpoint to each witness of its policy, with a
 * consistency proof from the size that witness last cosigned, and keeps the
 * checkpoint once its cosignatures meet the quorum. A witness that is down,
 * slow or wrong costs its own round and nothing else: appends never wait.
 *
 * @module
 */

import type { Logger } from "../log/mod.ts";
import type { CosignatureRecord } from "../store/mod.ts";
import {
  formatAddCheckpoint,
  formatCosignerKey,
  parseCheckpoint,
  parseNote,
  type Policy,
  type PolicyWitness,
  quorumMet,
  verifyCosignature,
} from "../tlog/mod.ts";

/** How long a witness may take to answer, in milliseconds. */
export const WITNESS_TIMEOUT_MS = 5_000;

/** What the collector needs of the log. */
export interface CollectorOptions {
  /** The policy: its witnesses with a URL are asked. */
  readonly policy: Policy;
  /** The latest signed checkpoint of the log. */
  readonly checkpoint: () => string;
  /** The RFC 6962 consistency proof between two sizes of the current tree. */
  readonly proof: (from: number, to: number) => Promise<Uint8Array[]>;
  /** Where the witnesses' sizes and the witnessed checkpoint are kept. */
  readonly record: CosignatureRecord;
  /** Where failures are written. */
  readonly logger: Logger;
  /** Called for each answer: the witness's policy name and `ok` or what failed. */
  readonly onOutcome?: (witness: string, outcome: string) => void;
  /** The time between rounds, in milliseconds. */
  readonly intervalMs: number;
  /** The most requests a minute to one witness. */
  readonly quotaPerMinute: number;
}

/** A witness's answer, reduced to what the round does next. */
type Outcome =
  | { readonly kind: "cosigned"; readonly line: string }
  | { readonly kind: "conflict"; readonly size: number }
  | { readonly kind: "failed"; readonly why: string };

/**
 * Asks the witnesses, round after round, until stopped.
 *
 * @example
 * ```ts
 * import { WitnessCollector } from "./witness_collector.ts";
 * import { createLogger } from "../log/mod.ts";
 * import { SqliteCosignatureRecord } from "../store/mod.ts";
 * import { parsePolicy } from "../tlog/mod.ts";
 * const record = SqliteCosignatureRecord.open(":memory:");
 * const collector = new WitnessCollector({
 *   policy: parsePolicy("quorum none\n"), checkpoint: () => "", proof: () => Promise.resolve([]),
 *   record, logger: createLogger("error"), intervalMs: 1000, quotaPerMinute: 12,
 * });
 * await collector.round();
 * await collector.stop();
 * if (await record.witnessed() !== null) throw new Error("nothing to witness");
 * await record.close();
 * ```
 */
export class WitnessCollector {
  readonly #options: CollectorOptions;
  readonly #witnesses: readonly PolicyWitness[];
  /** Each witness's recent request times, for its quota. */
  readonly #sent = new Map<string, number[]>();
  /** The cosignature lines of the checkpoint `#text`, by witness. */
  #lines = new Map<string, string>();
  #text = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /**
   * Makes a collector; {@linkcode WitnessCollector.start} runs it.
   *
   * @param options the policy, the log and the record
   */
  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#witnesses = options.policy.witnesses.filter((w) => w.url !== null);
  }

  /**
   * Makes a collector and runs a round now and then one each interval.
   *
   * @param options the policy, the log and the record
   * @returns the running collector
   */
  static start(options: CollectorOptions): WitnessCollector {
    const collector = new WitnessCollector(options);
    collector.#schedule(0);
    return collector;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.round().finally(() => {
        this.#running = undefined;
        this.#schedule(this.#options.intervalMs);
      });
    }, ms);
  }

  /** Stops: no new round, and the one under way finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /**
   * One round: if this process leads, each witness still without a
   * cosignature of the latest checkpoint is asked (within its quota), and
   * the checkpoint is kept once the quorum is met.
   */
  async round(): Promise<void> {
    const { record, logger } = this.#options;
    try {
      if (this.#witnesses.length === 0 || !(await record.lead())) return;
      const note = this.#options.checkpoint();
      const text = parseNote(note).text;
      if (text !== this.#text) [this.#text, this.#lines] = [text, new Map()];
      const size = parseCheckpoint(text).size;
      const lines = this.#lines;
      await Promise.all(
        this.#witnesses.filter((w) => !lines.has(w.name)).map(async (w) => {
          const line = await this.#ask(w, note, text, size);
          if (line !== null) lines.set(w.name, line);
        }),
      );
      const cosigned = new Set(lines.keys());
      if (lines.size > 0 && quorumMet(this.#options.policy, cosigned)) {
        const all = this.#witnesses.flatMap((w) => lines.get(w.name) ?? []).join("");
        await record.saveWitnessed({ size, note: note + all });
      }
    } catch (e) {
      logger.warn(`witnessing: the round failed: ${(e as Error).message}`);
    }
  }

  /** Asks one witness, once more from the size it names after a 409; the line, or null. */
  async #ask(w: PolicyWitness, note: string, text: string, size: number): Promise<string | null> {
    const { record, logger, onOutcome } = this.#options;
    const vkey = formatCosignerKey(w.key);
    let old = await record.cosignedSize(vkey);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.#withinQuota(w.name)) return null;
      const outcome = await this.#submit(w, note, text, old > size ? 0 : old, size);
      onOutcome?.(w.name, outcome.kind === "failed" ? "failed" : outcome.kind);
      if (outcome.kind === "cosigned") {
        await record.setCosignedSize(vkey, size);
        return outcome.line;
      }
      if (outcome.kind === "failed") {
        logger.warn(`witnessing: ${w.name} (${w.url}) at size ${size}: ${outcome.why}`);
        return null;
      }
      await record.setCosignedSize(vkey, outcome.size);
      if (outcome.size > size) {
        logger.info(`witnessing: ${w.name} holds size ${outcome.size}, ahead of ${size}`);
        return null;
      }
      old = outcome.size;
    }
    logger.warn(`witnessing: ${w.name} (${w.url}) at size ${size}: a second 409`);
    return null;
  }

  #withinQuota(name: string): boolean {
    const now = performance.now();
    const recent = (this.#sent.get(name) ?? []).filter((t) => now - t < 60_000);
    const ok = recent.length < this.#options.quotaPerMinute;
    if (ok) recent.push(now);
    this.#sent.set(name, recent);
    return ok;
  }

  async #submit(
    w: PolicyWitness,
    note: string,
    text: string,
    old: number,
    size: number,
  ): Promise<Outcome> {
    let res: Response;
    try {
      const proof = old === 0 ? [] : await this.#options.proof(old, size);
      res = await fetch(`${w.url!.replace(/\/+$/, "")}/add-checkpoint`, {
        method: "POST",
        body: formatAddCheckpoint({ oldSize: old, proof, checkpoint: note }),
        signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS),
      });
    } catch (e) {
      return { kind: "failed", why: (e as Error).message };
    }
    const body = await res.text().catch(() => "");
    if (res.status === 409 && res.headers.get("content-type") === "text/x.tlog.size") {
      const held = /^(0|[1-9][0-9]*)\n$/.exec(body);
      if (held !== null && Number.isSafeInteger(Number(held[1]))) {
        return { kind: "conflict", size: Number(held[1]) };
      }
    }
    if (res.status !== 200) {
      return { kind: "failed", why: `${res.status} ${body.slice(0, 200).trim()}` };
    }
    // Only this witness's valid cosignature is kept; any other line is dropped.
    const line = body.split("\n").find((l) => {
      try {
        const [sig] = parseNote(`${text}\n${l}\n`).signatures;
        return verifyCosignature(sig!, text, w.key) !== null;
      } catch {
        return false;
      }
    });
    return line === undefined
      ? { kind: "failed", why: "no valid cosignature in its answer" }
      : { kind: "cosigned", line: `${line}\n` };
  }
}
