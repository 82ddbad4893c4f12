/**
 * A run's results, and the report built from them: the table's rows
 * (`rows.ts`) and the notes (`notes.ts`).
 *
 * @module
 */

import type { AccessLogCost } from "./access_log_phase.ts";
import type { BareGetFigures, WrkTiming } from "./get_phase.ts";
import type { Machine } from "./machine.ts";
import { buildNotes } from "./notes.ts";
import type { PostLoadResult } from "./post_load.ts";
import type { Workloads } from "./post_phase.ts";
import type { PostgresFigures } from "./postgres_phase.ts";
import type { Row } from "./report.ts";
import { buildRows } from "./rows.ts";
import type { ScaleCopy } from "./scale.ts";
import type { PostsOnlyRun, ServerRun } from "./server_run.ts";
import { buildTargets, type TargetRow } from "./targets.ts";

/** Sizes and durations of a run. */
export interface Plan {
  /** The smoke run. */
  readonly quick: boolean;
  /** wrk's timing. */
  readonly wrk: WrkTiming;
  /** The cap on each POST run, seconds. */
  readonly postSeconds: number;
  /** How long each limit probe counts, seconds. */
  readonly limitSeconds: number;
  /** POST connections. */
  readonly connections: number;
  /** Chains the GET figures rotate over. */
  readonly getChains: number;
  /** Pre-signed fresh Ed25519 events. */
  readonly edFresh: number;
  /** Pre-signed fresh nostr events. */
  readonly nostrFresh: number;
  /** Long chains. */
  readonly longChains: number;
  /** Events per long chain stored before the run. */
  readonly longPrefix: number;
  /** Pre-signed events per long chain to POST. */
  readonly longAppend: number;
  /** Server starts for the start-up time. */
  readonly startups: number;
}

/** The limits measured in the run, per second. */
export interface Limits {
  /** WebCrypto Ed25519 verifies, 64 in flight. */
  readonly webcryptoEd25519: number;
  /** noble BIP-340 verifies, one thread. */
  readonly nobleBip340: number;
  /** Raw SQLite FULL, one row per transaction. */
  readonly sqliteOneRow: number;
  /** Raw SQLite FULL, rows in transactions of 64. */
  readonly sqliteBatch64: number;
  /** Raw SQLite FULL, rows in transactions of 64 with the transparency log's rows. */
  readonly sqliteBatch64WithLog: number;
}

/** Everything a run measured. */
export interface Results {
  /** Sizes and durations. */
  readonly plan: Plan;
  /** The machine. */
  readonly machine: Machine;
  /** Each start-up, ms. */
  readonly startupMs: readonly number[];
  /** The POST workloads. */
  readonly workloads: Workloads;
  /** The server on the empty database. */
  readonly empty: ServerRun;
  /** The bare server's GET figures. */
  readonly bare: BareGetFigures;
  /** The limits. */
  readonly limits: Limits;
  /** The POST generator against the bare server. */
  readonly ceiling: PostLoadResult;
  /** POST ed25519 fresh against the least-work server: no store, the same checks of the body. */
  readonly leastWork: PostLoadResult;
  /** The POST figures with the transparency log off and on, twice each, on fresh files. */
  readonly logCost: { readonly off: readonly PostsOnlyRun[]; readonly on: readonly PostsOnlyRun[] };
  /** GET head with the access log at the default level and with it dropped. */
  readonly accessLog: AccessLogCost;
  /** One and two servers on PostgreSQL, or why not. */
  readonly postgres: PostgresFigures;
  /** The server on the scale database, if one was given. */
  readonly scale?: { readonly source: string; readonly copy: ScaleCopy; readonly run: ServerRun };
  /** Each part's wall time, seconds. */
  readonly parts: readonly [string, number][];
  /** The whole load benchmark's wall time, seconds. */
  readonly totalSeconds: number;
}

/**
 * The figures' table, the targets' table and the notes.
 *
 * @param r the results
 * @returns all three
 */
export function buildReport(r: Results): { rows: Row[]; targets: TargetRow[]; notes: string[] } {
  return { rows: buildRows(r), targets: buildTargets(r), notes: buildNotes(r) };
}
