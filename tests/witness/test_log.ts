// A small log for the witness tests: 40 fixed leaves, checkpoints of any size
// signed by one key, and add-checkpoint bodies between two sizes.

import { ed25519 } from "@noble/curves/ed25519.js";
import {
  consistencyProof,
  formatAddCheckpoint,
  leafHash,
  MemoryHashReader,
  signCheckpoint,
  verifierKey,
} from "../../lib/tlog/mod.ts";

export const ORIGIN = "example.com/log";
export const logSeed = new Uint8Array(32).fill(1);
export const logKey = verifierKey(ORIGIN, ed25519.getPublicKey(logSeed));
export const leaves = Array.from({ length: 40 }, (_, i) => leafHash(new Uint8Array([i])));

/** The tree of the first `size` leaves. */
export function tree(size: number, from = leaves): MemoryHashReader {
  return new MemoryHashReader(from.slice(0, size));
}

/** A checkpoint of the first `size` leaves, signed with `seed` for `origin`. */
export function checkpoint(size: number, from = leaves, seed = logSeed, origin = ORIGIN): string {
  return signCheckpoint({ origin, size, root: tree(size, from).root() }, seed);
}

/** An add-checkpoint body from `oldSize` to a checkpoint of `size`. */
export function body(oldSize: number, size: number, from = leaves): string {
  const proof = oldSize === 0 ? [] : consistencyProof(tree(size, from), oldSize, size);
  return formatAddCheckpoint({ oldSize, proof, checkpoint: checkpoint(size, from) });
}
