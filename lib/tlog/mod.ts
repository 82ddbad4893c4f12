/**
 * The transparency log of spec §10, as pure building blocks: RFC 6962 Merkle
 * hashing, a compact append-only tree state, inclusion and consistency proofs
 * from a {@linkcode HashReader}, C2SP tiles and entry bundles, signed notes,
 * checkpoints and tlog-proofs; witnesses' cosignatures, their `add-checkpoint`
 * requests and tlog-policy quorums. No I/O, so it runs in a browser as well as on
 * the server.
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import {
 *   formatTlogProof, inclusionProof, leafHash, MemoryHashReader, openTlogProof, signCheckpoint,
 *   verifierKey,
 * } from "./mod.ts";
 * const seed = new Uint8Array(32).fill(9);
 * const leaves = ["a", "b", "c"].map((s) => new TextEncoder().encode(s));
 * const log = new MemoryHashReader(leaves.map(leafHash));
 * const checkpoint = signCheckpoint({ origin: "example.com/log", size: log.size, root: log.root() }, seed);
 * const proof = formatTlogProof({ index: 1, path: inclusionProof(log, 1, log.size), checkpoint });
 * const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
 * if (openTlogProof(proof, leaves[1]!, key).index !== 1) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export * from "./add_checkpoint.ts";
export * from "./base64.ts";
export * from "./checkpoint.ts";
export * from "./cosignature.ts";
export * from "./entry_bundle.ts";
export * from "./hash_reader.ts";
export * from "./merkle.ts";
export * from "./note.ts";
export * from "./policy.ts";
export * from "./proofs.ts";
export * from "./tiles.ts";
export * from "./tlog_error.ts";
export * from "./tlog_proof.ts";
export * from "./verifier_key.ts";
export * from "./witnessed_checkpoint.ts";
