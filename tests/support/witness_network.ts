/**
 * Test support: real witness processes (`kez-sig-server witness`) on free
 * loopback ports for a log whose key the test makes, and the tlog-policy
 * file a log server and clients are given for them.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { toHex } from "../../lib/protocol/mod.ts";
import {
  type CosignerKey,
  formatCosignerKey,
  formatVerifierKey,
  parseCosignerKey,
  type VerifierKey,
  verifierKey,
} from "../../lib/tlog/mod.ts";
import { ServerProcess } from "./server_process.ts";

/** The origin the log servers of these tests sign under: the server's default. */
export const ORIGIN = "localhost/kez-sig-server";

/**
 * Writes a log key file (mode 0600) so that its verifier key is known before the log starts.
 *
 * @param path the key file
 * @returns the log's verifier key
 */
export async function makeLogKey(path: string): Promise<VerifierKey> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  await Deno.writeTextFile(path, `${toHex(seed)}\n`, { mode: 0o600 });
  return verifierKey(ORIGIN, ed25519.getPublicKey(seed));
}

/** A running witness, its key and its submission prefix. */
export interface RunningWitness {
  readonly process: ServerProcess;
  readonly key: CosignerKey;
  readonly name: string;
  readonly dir: string;
}

/**
 * Starts a witness of one log in a directory of its own (state and key kept there, so
 * that starting it again on the same directory is a restart).
 *
 * @param dir its directory
 * @param name its key name
 * @param log the log's verifier key
 * @returns the running witness
 */
export async function startWitness(
  dir: string,
  name: string,
  log: VerifierKey,
): Promise<RunningWitness> {
  await Deno.mkdir(dir, { recursive: true });
  const process = await ServerProcess.start({
    command: "witness",
    db: `${dir}/witness.db`,
    args: ["--name", name, "--log", formatVerifierKey(log)],
  });
  const key = parseCosignerKey(/witness (\S+) listening/.exec(process.log)![1]!);
  return { process, key, name, dir };
}

/** Witnesses of one log, W0, W1 …, stopped together. */
export interface WitnessNetwork extends AsyncDisposable {
  /** The witnesses, in order. */
  readonly witnesses: readonly RunningWitness[];
  /** Their keys and URLs, as {@linkcode policyText} takes them. */
  readonly network: readonly { key: CosignerKey; base: string }[];
}

/**
 * Starts `count` witnesses of one log, `w0.example` …, each in `dir/wN`.
 *
 * @param dir their parent directory
 * @param log the log's verifier key
 * @param count how many
 * @returns the witnesses, stopped when disposed
 */
export async function startWitnesses(
  dir: string,
  log: VerifierKey,
  count: number,
): Promise<WitnessNetwork> {
  const witnesses = await Promise.all(
    Array.from({ length: count }, (_, i) => startWitness(`${dir}/w${i}`, `w${i}.example`, log)),
  );
  return {
    witnesses,
    network: witnesses.map((w) => ({ key: w.key, base: w.process.base })),
    async [Symbol.asyncDispose]() {
      await Promise.all(witnesses.map((w) => w.process[Symbol.asyncDispose]()));
    },
  };
}

/**
 * Writes a tlog-policy naming the log and the witnesses, W0, W1 … with their URLs.
 *
 * @param log the log's key
 * @param witnesses the witnesses
 * @param quorum the quorum's threshold of all of them
 * @returns the policy's text
 */
export function policyText(
  log: VerifierKey,
  witnesses: readonly { key: CosignerKey; base: string }[],
  quorum: number,
): string {
  return [
    `log ${formatVerifierKey(log)}`,
    ...witnesses.map((w, i) => `witness W${i} ${formatCosignerKey(w.key)} ${w.base}`),
    `group all-witnesses ${quorum} ${witnesses.map((_, i) => `W${i}`).join(" ")}`,
    "quorum all-witnesses",
  ].join("\n") + "\n";
}
