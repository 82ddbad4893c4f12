/**
 * Witnesses (c2sp.org/tlog-witness): a witness of any C2SP log, which
 * cosigns each checkpoint consistent with the last one it cosigned, and its
 * `witness` command; and the log's side, the collector that asks a policy's
 * witnesses to cosign its checkpoints and keeps those that meet the quorum.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { Witness } from "./mod.ts";
 * import { WitnessDb } from "../store/mod.ts";
 * import { cosignerKey } from "../tlog/mod.ts";
 * const seed = new Uint8Array(32);
 * const witness = new Witness({
 *   key: cosignerKey("w", ed25519.getPublicKey(seed)), sign: (m) => ed25519.sign(m, seed),
 *   logs: [], db: WitnessDb.open(":memory:"),
 * });
 * if (witness.addCheckpoint("old 0\n\nexample.com/log\n0\n").status !== 400) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export * from "./run_witness.ts";
export * from "./witness.ts";
export * from "./witness_handler.ts";
export * from "./witness_collector.ts";
export * from "./start_witnessing.ts";
