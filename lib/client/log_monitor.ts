/**
 * A monitor of one server's transparency log (spec §10.4): replay every entry
 * from index 0 (or from where the last run stopped), recompute the root and
 * compare it with the verified checkpoint, verify every chain, and compare
 * each chain the server serves with the chain its log holds — which is how a
 * withheld `revoke` is caught.
 *
 * @module
 */

import { KezError, Sigchain } from "../protocol/mod.ts";
import {
  type Checkpoint,
  encodeBase64,
  formatVerifierKey,
  type WitnessSignature,
} from "../tlog/mod.ts";
import { KezClient } from "./client.ts";
import type { FetchFn } from "./http.ts";
import { LogAlarm } from "./log_alarm.ts";
import { MAX_ENTRIES_PAGE } from "../protocol/mod.ts";
import { LogReplay, type MonitorState } from "./log_replay.ts";
import type { LogVerifier, LogView } from "./log_verifier.ts";
import type { LoggedChain } from "./logged_chain.ts";
import type { MonitorFinding } from "./monitor_finding.ts";

/** Pages of entries replayed between two saves of the progress. */
const PAGES_PER_SAVE = 10;
/** Chains fetched from the server at once. */
const PARALLEL_CHAINS = 4;

/** How to monitor. */
export interface MonitorOptions {
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn;
  /** Aborts every request. */
  readonly signal?: AbortSignal;
  /** The progress of an earlier run, or null to replay from index 0. */
  readonly state: MonitorState | null;
  /**
   * Keeps the progress, every few pages and at the end, so that a stopped
   * run resumes there.
   *
   * @param state the progress
   */
  save(state: MonitorState): Promise<void>;
}

/** What a monitor run found. */
export interface MonitorReport {
  /** The server's base URL. */
  readonly server: string;
  /** The log's verifier key. */
  readonly key: string;
  /** The verified checkpoint whose root the replay matched. */
  readonly checkpoint: Checkpoint;
  /** The index this run's replay started at. */
  readonly from: number;
  /** How many chains were compared with what the server serves. */
  readonly chains: number;
  /** Every problem, of the log and of the server's chains; none when all is well. */
  readonly findings: readonly MonitorFinding[];
  /** With a witness policy, the witnesses that cosigned the checkpoint. */
  readonly cosigners?: readonly WitnessSignature[];
}

/**
 * Monitors a server's log.
 *
 * @param server the server's base URL
 * @param verifier checks the server's checkpoint (key, consistency) and proofs
 * @param options the progress of an earlier run and where to keep it
 * @returns what was replayed and every problem found
 * @throws {LogAlarm} when the log fails a check: the checkpoint, its
 *   consistency, the entries not hashing to its root
 * @throws {KezError} `not_found` when the server has no log; `unavailable`
 *
 * @example
 * ```ts
 * import { monitorLog } from "./log_monitor.ts";
 * import { LogVerifier } from "./log_verifier.ts";
 * import { MemoryLogState } from "./log_state.ts";
 * import { KezError } from "../protocol/mod.ts";
 * const fetch = () => Promise.resolve(Response.json({ error: { code: "not_found", message: "No route" } }, { status: 404 }));
 * const verifier = new LogVerifier(new MemoryLogState(), { fetch });
 * try {
 *   await monitorLog("http://localhost:7878", verifier, { fetch, state: null, save: () => Promise.resolve() });
 *   throw new Error("monitored a server without a log");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "not_found") throw e;
 * }
 * ```
 */
export async function monitorLog(
  server: string,
  verifier: LogVerifier,
  options: MonitorOptions,
): Promise<MonitorReport> {
  const view = await verifier.latest(server);
  if (view === null) {
    throw new KezError("not_found", `Cannot monitor ${server}: it has no transparency log`);
  }
  const key = formatVerifierKey(view.log.key);
  const replay = new LogReplay(key, options.state);
  const from = replay.size;
  await replayTo(view, replay, options);
  const client = new KezClient(view.log.api.server, pick(options));
  const findings: MonitorFinding[] = [...replay.problems];
  const chains = [...replay.chains.values()];
  let next = 0;
  const worker = async () => {
    for (let chain = chains[next++]; chain !== undefined; chain = chains[next++]) {
      findings.push(...await compareServed(client, verifier, view, chain));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_CHAINS }, worker));
  return {
    server: view.log.api.server,
    key,
    checkpoint: view.served.checkpoint,
    from,
    chains: chains.length,
    findings,
    ...(view.cosigners === undefined ? {} : { cosigners: view.cosigners }),
  };
}

function pick(options: MonitorOptions): { fetch?: FetchFn; signal?: AbortSignal } {
  return {
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** Replays up to the served checkpoint and checks the root; keeps the progress. */
async function replayTo(view: LogView, replay: LogReplay, options: MonitorOptions) {
  const { api } = view.log;
  const target = view.served.checkpoint.size;
  // A tree smaller than the one replayed was proven a prefix of it by latest().
  if (replay.size > target) return;
  for (let pages = 1; replay.size < target; pages++) {
    const lines = await api.entries(replay.size, Math.min(MAX_ENTRIES_PAGE, target - replay.size));
    if (lines.length === 0) {
      throw alarm(view, `its entries feed ends at ${replay.size}, before its checkpoint's size`);
    }
    for (const line of lines.slice(0, target - replay.size)) replay.add(line);
    if (pages % PAGES_PER_SAVE === 0) await options.save(replay.toState());
  }
  checkRoot(view, replay);
  await options.save(replay.toState());
}

function checkRoot(view: LogView, replay: LogReplay): void {
  const root = replay.root();
  const expected = view.served.checkpoint.root;
  if (root.length !== expected.length || root.some((b, i) => b !== expected[i])) {
    throw alarm(
      view,
      `the ${replay.size} entries it serves hash to ${encodeBase64(root)}, ` +
        "not to its checkpoint's root",
    );
  }
}

function alarm(view: LogView, why: string): LogAlarm {
  const { server } = view.log.api;
  return new LogAlarm(server, `Cannot verify log of ${server}: ${why}`, [
    { name: "kept checkpoint (the largest verified)", text: view.kept.note },
    { name: `served checkpoint (${server}/v1/log/checkpoint)`, text: view.served.note },
  ]);
}

/**
 * Compares the chain a server serves for a primary with the one its log
 * holds: the first seq where they differ is altered; events of the log
 * missing from the server's chain are withheld; events of the server's chain
 * beyond the log must have an inclusion proof in a newer tree.
 */
async function compareServed(
  client: KezClient,
  verifier: LogVerifier,
  view: LogView,
  logged: LoggedChain,
): Promise<MonitorFinding[]> {
  const { primary } = logged;
  const { text } = await client.getJsonl(primary);
  let served;
  try {
    served = Sigchain.fromJsonl(text, primary);
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    const message = `${primary}: the chain the server serves is invalid: ${e.message}`;
    return [{ kind: "invalid_chain", primary, seq: null, index: null, message }];
  }
  const common = Math.min(served.length, logged.length);
  for (let seq = 0; seq < common; seq++) {
    const hash = served.events[seq]!.hash;
    const held = logged.hashes[seq]!;
    if (hash === held) continue;
    const index = logged.indices[seq]!;
    const message = `${primary} seq ${seq} (log index ${index}): the server serves ${hash} ` +
      `but the log holds ${held}`;
    return [{ kind: "altered", primary, seq, index, message }];
  }
  const findings: MonitorFinding[] = [];
  for (let seq = served.length; seq < logged.length; seq++) {
    const index = logged.indices[seq]!;
    const message = `${primary} seq ${seq} (log index ${index}) is in the log but not in the ` +
      "chain the server serves";
    findings.push({ kind: "withheld", primary, seq, index, message });
  }
  for (const event of served.events.slice(logged.length)) {
    // Appended since the checkpoint replayed, or never logged: only a proof tells.
    if (await verifier.proveEvent(view.log, primary, event) !== null) continue;
    const { seq } = event.envelope.payload;
    const message = `${primary} seq ${seq}: the server serves it but its log does not hold it ` +
      "(no inclusion proof)";
    findings.push({ kind: "unlogged", primary, seq, index: null, message });
  }
  return findings;
}
