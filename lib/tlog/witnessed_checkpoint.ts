/**
 * A checkpoint checked against a tlog-policy: the log's signature, and a
 * quorum of distinct witnesses whose `cosignature/v1` lines verify over the
 * checkpoint's text, none dated in the future beyond a small skew.
 *
 * @module
 */

import { type Checkpoint, openCheckpoint } from "./checkpoint.ts";
import { verifyCosignature } from "./cosignature.ts";
import { parseNote } from "./note.ts";
import { type Policy, quorumMet } from "./policy.ts";
import { TlogError } from "./tlog_error.ts";
import type { VerifierKey } from "./verifier_key.ts";

/** How far in the future, in seconds, a cosignature's time may be: clocks differ. */
export const COSIGNATURE_SKEW_SECONDS = 300;

/** One witness's valid cosignature. */
export interface WitnessSignature {
  /** The witness's name in the policy. */
  readonly witness: string;
  /** When it cosigned, in POSIX seconds. */
  readonly timestamp: number;
}

/** A checkpoint that meets a policy. */
export interface WitnessedCheckpoint {
  /** The verified tree head. */
  readonly checkpoint: Checkpoint;
  /** The policy's witnesses that cosigned it, one entry each. */
  readonly cosigners: readonly WitnessSignature[];
}

/**
 * Finds the policy's witnesses that validly cosigned a note: lines of other
 * keys are ignored, a witness counts once however many lines it has, and a
 * cosignature dated more than the skew after `now` does not count.
 *
 * @param note the signed checkpoint with its cosignature lines
 * @param policy the policy whose witnesses count
 * @param nowSeconds the current POSIX time
 * @param skewSeconds the tolerance for clocks ahead of ours
 * @returns the witnesses that cosigned, in the policy's order
 * @throws {SyntaxError} if the note is malformed
 *
 * @example
 * ```ts
 * import { cosigners } from "./witnessed_checkpoint.ts";
 * import { parsePolicy } from "./policy.ts";
 * const policy = parsePolicy("quorum none\n");
 * if (cosigners("t\n\n\u2014 x AAAAAAE=\n", policy, 0).length !== 0) throw new Error("unexpected");
 * ```
 */
export function cosigners(
  note: string,
  policy: Policy,
  nowSeconds: number,
  skewSeconds: number = COSIGNATURE_SKEW_SECONDS,
): WitnessSignature[] {
  const { text, signatures } = parseNote(note);
  const found: WitnessSignature[] = [];
  for (const witness of policy.witnesses) {
    const valid = signatures
      .map((s) => verifyCosignature(s, text, witness.key))
      .find((c) => c !== null && c.timestamp <= nowSeconds + skewSeconds);
    if (valid) found.push({ witness: witness.name, timestamp: valid.timestamp });
  }
  return found;
}

/**
 * Verifies a checkpoint against its log's key and a policy's quorum.
 *
 * @param note the signed checkpoint with its cosignature lines
 * @param logKey the log's verifier key
 * @param policy the policy
 * @param nowSeconds the current POSIX time
 * @param skewSeconds the tolerance for clocks ahead of ours
 * @returns the tree head and who cosigned it
 * @throws {SyntaxError} if the note or checkpoint is malformed
 * @throws {TlogError} if the log did not sign it, or the quorum is not met; the message
 *   names the witnesses that did cosign
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { signCheckpoint } from "./checkpoint.ts";
 * import { emptyRoot } from "./merkle.ts";
 * import { parsePolicy } from "./policy.ts";
 * import { verifierKey } from "./verifier_key.ts";
 * import { openWitnessedCheckpoint } from "./witnessed_checkpoint.ts";
 * const seed = new Uint8Array(32).fill(1);
 * const note = signCheckpoint({ origin: "example.com/log", size: 0, root: emptyRoot() }, seed);
 * const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
 * const policy = parsePolicy(
 *   "witness W remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2\nquorum W\n",
 * );
 * let refused = "";
 * try { openWitnessedCheckpoint(note, key, policy, 0); } catch (e) { refused = (e as Error).message; }
 * if (!refused.includes("cosigned by none")) throw new Error(refused);
 * ```
 */
export function openWitnessedCheckpoint(
  note: string,
  logKey: VerifierKey,
  policy: Policy,
  nowSeconds: number,
  skewSeconds: number = COSIGNATURE_SKEW_SECONDS,
): WitnessedCheckpoint {
  const checkpoint = openCheckpoint(note, logKey);
  const found = cosigners(note, policy, nowSeconds, skewSeconds);
  if (!quorumMet(policy, new Set(found.map((c) => c.witness)))) {
    const names = found.map((c) => c.witness).join(", ") || "none";
    const all = policy.witnesses.map((w) => w.name).join(", ");
    throw new TlogError(
      `Checkpoint ${checkpoint.origin} at size ${checkpoint.size} does not meet the witness ` +
        `quorum: cosigned by ${names} (of ${all})`,
    );
  }
  return { checkpoint, cosigners: found };
}
