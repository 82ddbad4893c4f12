/**
 * A worker of the seeding helper: owns some chains' keys and signs one round
 * (the next event of each of its chains) per request, so signing runs on
 * other cores while the main thread inserts.
 *
 * Messages in: `{ chains: number }` once, then `"next"` per round. Out: a
 * {@linkcode PackedRound} (an empty one after setup).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { ChainWriter } from "./events.ts";
import { ed25519Signer } from "./signers.ts";

/**
 * One round as three newline-joined strings: one large string crosses between
 * threads several times faster than as many small objects.
 */
export interface PackedRound {
  /** The seq of every event in the round. */
  readonly seq: number;
  /** The primary ids (all `ed25519`), one a line. */
  readonly ids: string;
  /** The canonical lines, one a line. */
  readonly lines: string;
  /** The hashes, one a line. */
  readonly hashes: string;
}

let writers: ChainWriter[] = [];

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = (e: MessageEvent<{ chains: number } | "next">) => {
    if (e.data === "next") {
      const round = writers.map((w) => w.next());
      const packed: PackedRound = {
        seq: round[0]?.seq ?? 0,
        ids: round.map((ev) => ev.id).join("\n"),
        lines: round.map((ev) => ev.line).join("\n"),
        hashes: round.map((ev) => ev.hash).join("\n"),
      };
      self.postMessage(packed);
    } else {
      writers = Array.from({ length: e.data.chains }, () => new ChainWriter(ed25519Signer()));
      self.postMessage({ seq: 0, ids: "", lines: "", hashes: "" } satisfies PackedRound);
    }
  };
}
