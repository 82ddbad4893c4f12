/**
 * Wires the log server to its witnesses: reads the `--witness-policy` file,
 * opens the record of the log's database, and starts the collector.
 *
 * @module
 */

import type { WitnessingConfig } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import {
  type CosignatureRecord,
  isPostgresUrl,
  PgCosignatureRecord,
  SqliteCosignatureRecord,
  type TransparencyLog,
  type WitnessedNote,
} from "../store/mod.ts";
import { formatVerifierKey, parsePolicy, type Policy } from "../tlog/mod.ts";
import { WitnessCollector } from "./witness_collector.ts";

/** A running collector and the record it keeps. */
export interface Witnessing {
  /** The latest witnessed checkpoint, for `GET /v1/log/checkpoint/witnessed`. */
  witnessed(): Promise<WitnessedNote | null>;
  /** Stops asking and closes the record. */
  stop(): Promise<void>;
}

async function readPolicy(path: string, log: TransparencyLog): Promise<Policy> {
  let policy: Policy;
  try {
    policy = parsePolicy(await Deno.readTextFile(path));
  } catch (e) {
    throw new Error(`Cannot use witness policy "${path}": ${(e as Error).message}`);
  }
  if (policy.witnesses.every((w) => w.url === null)) {
    throw new Error(`Cannot use witness policy "${path}": no witness has a URL to ask`);
  }
  const ours = policy.logs.length === 0 ||
    policy.logs.some((l) => formatVerifierKey(l.key) === log.verifierKey);
  if (!ours) {
    throw new Error(
      `Cannot use witness policy "${path}": its log lines do not name this log's key`,
    );
  }
  return policy;
}

/**
 * Starts asking the policy's witnesses to cosign the log's checkpoints.
 *
 * @param config the policy file, interval and quota
 * @param log the store's transparency log
 * @param db the database path or URL, where the record is kept
 * @param logger where failures go
 * @param onOutcome counts each witness's answers (the metrics), if given
 * @returns the running collector
 * @throws {Error} when the policy cannot be read or does not fit, or the record cannot be opened
 */
export async function startWitnessing(
  config: WitnessingConfig,
  log: TransparencyLog,
  db: string,
  logger: Logger,
  onOutcome?: (witness: string, outcome: string) => void,
): Promise<Witnessing> {
  const policy = await readPolicy(config.policyFile, log);
  const record: CosignatureRecord = isPostgresUrl(db)
    ? await PgCosignatureRecord.open(db)
    : SqliteCosignatureRecord.open(db);
  const collector = WitnessCollector.start({
    policy,
    checkpoint: () => log.checkpoint().note,
    proof: (from, to) => log.consistencyProof(from, to),
    record,
    logger,
    intervalMs: config.intervalMs,
    quotaPerMinute: config.quotaPerMinute,
    ...(onOutcome === undefined ? {} : { onOutcome }),
  });
  logger.info(
    `asking ${policy.witnesses.filter((w) => w.url !== null).length} witnesses every ${
      config.intervalMs / 1000
    } s`,
  );
  return {
    witnessed: () => record.witnessed(),
    stop: async () => {
      await collector.stop();
      await record.close();
    },
  };
}
