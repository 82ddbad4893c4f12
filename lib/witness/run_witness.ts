/**
 * Runs the `witness` command: reads (or makes, once) the witness's key file,
 * opens its state, serves `add-checkpoint` until SIGINT or SIGTERM (a second
 * signal, or the grace running out, stops it without the requests in flight).
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import type { WitnessCommand } from "../config/mod.ts";
import { createLogger } from "../log/mod.ts";
import { untilStopped } from "../runtime/until_stopped.ts";
import { createLogKey, readLogKey, WitnessDb } from "../store/mod.ts";
import { cosignerKey, formatCosignerKey, parsePolicy, type VerifierKey } from "../tlog/mod.ts";
import { Witness } from "./witness.ts";
import { witnessHandler } from "./witness_handler.ts";

const KEY_LABEL = "witness key";

/**
 * How long a stop waits for requests in flight: a witness's are small and
 * quick, and a client that stops sending its body must not hold the stop.
 */
const STOP_GRACE_MS = 5000;

async function witnessSeed(path: string): Promise<Uint8Array> {
  const seed = await readLogKey(path, KEY_LABEL);
  if (seed !== null) return seed;
  const made = crypto.getRandomValues(new Uint8Array(32));
  await createLogKey(path, made, KEY_LABEL);
  return made;
}

async function policyLogs(path: string | null): Promise<VerifierKey[]> {
  if (path === null) return [];
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`Cannot read policy file "${path}": ${(e as Error).message}`);
  }
  try {
    return parsePolicy(text).logs.map((log) => log.key);
  } catch (e) {
    throw new Error(`Cannot use policy file "${path}": ${(e as Error).message}`);
  }
}

/**
 * Runs a witness until it is told to stop.
 *
 * @param command the parsed `witness` command
 * @returns the exit status: 0 after a clean stop, 2 when it cannot start
 *
 * @example
 * ```ts
 * import { runWitness } from "./run_witness.ts";
 * import { parseWitness } from "../config/mod.ts";
 * const dir = await Deno.makeTempDir();
 * const command = parseWitness(["--policy", `${dir}/missing`, "--db", `${dir}/w.db`], () => undefined);
 * if (command.kind !== "witness" || (await runWitness(command)) !== 2) throw new Error("started");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runWitness(command: WitnessCommand): Promise<number> {
  const logger = createLogger(command.logLevel, undefined, command.logFormat);
  let witness: Witness;
  let db: WitnessDb;
  try {
    const logs = [...command.logs, ...await policyLogs(command.policyFile)];
    if (logs.length === 0) throw new Error("Cannot start witness: the policy names no log");
    const seed = await witnessSeed(command.keyFile);
    db = WitnessDb.open(command.db);
    witness = new Witness({
      key: cosignerKey(command.name, ed25519.getPublicKey(seed)),
      sign: (message) => ed25519.sign(message, seed),
      logs,
      db,
    });
  } catch (e) {
    console.error(`kez-sig-server: ${(e as Error).message}`);
    return 2;
  }
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: command.bind.hostname,
      port: command.bind.port,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        logger.info(
          `witness ${formatCosignerKey(witness.key)} listening on http://${host}:${port}`,
        );
      },
    }, witnessHandler(witness, logger));
  } catch (e) {
    db.close();
    console.error(`kez-sig-server: Cannot listen: ${(e as Error).message}`);
    return 2;
  }
  await untilStopped(server, logger, STOP_GRACE_MS);
  db.close();
  logger.info("stopped");
  await logger.flush();
  return 0;
}
