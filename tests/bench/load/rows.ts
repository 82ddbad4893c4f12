/**
 * The table's rows: each figure beside its same-run limit, the ratio, and the
 * issue's target.
 *
 * @module
 */

import { GET_CHAIN_EVENTS } from "./get_phase.ts";
import type { PostLoadResult } from "./post_load.ts";
import { DISTURBED_CORES, ms, NONE, rate, ratio, type Row, verdict } from "./report.ts";
import type { Results } from "./results.ts";
import type { ServerRun } from "./server_run.ts";
import { median } from "./startup.ts";
import type { WrkResult } from "./wrk.ts";

/** The targets. */
const TARGET = {
  getRatio: 0.7,
  getP99Ms: 20,
  edRatio: 0.5,
  nostrRatio: 1.3,
  peakRssMb: 150,
  scaleRatio: 1 / 1.3,
  logRatio: 0.9,
} as const;

/** What a load run measured: a rate and its latencies, and where the CPU went. */
type Measured = WrkResult | PostLoadResult;

/** The machine's busy cores that were neither the server nor the load generator. */
function othersCores(m: Measured): number {
  const load = "wrkCores" in m ? m.wrkCores : m.generatorCores;
  return Math.max(0, m.machineCores - (m.serverCores ?? 0) - load);
}

function loadValue(m: Measured): string {
  const others = othersCores(m);
  const mark = others > DISTURBED_CORES
    ? ` · ⚠ disturbed: other processes ${others.toFixed(2)} cores`
    : "";
  return `${rate(m.perSec)} · p50 ${ms(m.p50Ms)} · p99 ${ms(m.p99Ms)}${mark}`;
}

/** A GET figure taken twice, before and after its limits. */
type Twice = readonly [WrkResult, WrkResult];

/** A figure's rate: the mean of its runs. */
function perSecOf(m: Measured | readonly Measured[]): number {
  if ("perSec" in m) return m.perSec;
  return m.reduce((sum, run) => sum + run.perSec, 0) / m.length;
}

/** A figure's worst p99 over its runs. */
function p99Of(m: Measured | Twice): number {
  return "p99Ms" in m ? m.p99Ms : Math.max(m[0].p99Ms, m[1].p99Ms);
}

function valueOf(m: Measured | Twice): string {
  if ("perSec" in m) return loadValue(m);
  return `${rate(perSecOf(m))} (runs: ${loadValue(m[0])}; ${loadValue(m[1])})`;
}

function getRow(figure: string, w: Twice, limit: string, bare: WrkResult): Row {
  const r = perSecOf(w) / bare.perSec;
  return {
    figure,
    value: valueOf(w),
    limit,
    limitValue: loadValue(bare),
    ratio: ratio(perSecOf(w), bare.perSec),
    target: verdict(
      r >= TARGET.getRatio && p99Of(w) < TARGET.getP99Ms,
      `≥ ${TARGET.getRatio}, p99 < ${TARGET.getP99Ms} ms`,
    ),
  };
}

/**
 * A GET figure beside the bare server doing the same HTTP work (the request
 * headers read, the answer's headers set): what is left to the server's own.
 */
function headedRow(figure: string, w: Twice, headed: WrkResult, count: number): Row {
  return {
    figure,
    value: rate(perSecOf(w)),
    limit: `bare Deno.serve as above, reading X-Request-Id and If-None-Match, ` +
      `answering the real answer's other ${count} headers`,
    limitValue: loadValue(headed),
    ratio: ratio(perSecOf(w), headed.perSec),
    target: NONE,
  };
}

function scaleRow(figure: string, atScale: Measured | Twice, empty: Measured | Twice): Row {
  return {
    figure,
    value: valueOf(atScale),
    limit: "the same figure, empty database",
    limitValue: valueOf(empty),
    ratio: ratio(perSecOf(atScale), perSecOf(empty)),
    target: verdict(
      perSecOf(atScale) / perSecOf(empty) >= TARGET.scaleRatio,
      "≥ 0.77, within 1.3×",
    ),
  };
}

function logRow(
  figure: string,
  on: readonly PostLoadResult[],
  off: readonly PostLoadResult[],
): Row {
  const each = (runs: readonly PostLoadResult[]) =>
    `${rate(perSecOf(runs))} (runs: ${runs.map((p) => rate(p.perSec)).join(", ")})`;
  return {
    figure,
    value: each(on),
    limit: "the same POSTs, --transparency-log false",
    limitValue: each(off),
    ratio: ratio(perSecOf(on), perSecOf(off)),
    target: verdict(perSecOf(on) / perSecOf(off) >= TARGET.logRatio, "≥ 0.9, within 10%"),
  };
}

function rssRow(figure: string, run: ServerRun): Row {
  return {
    figure,
    value: `${run.peakRssMb.toFixed(0)} MB (VmRSS at start ${run.startRssMb.toFixed(0)} MB; ` +
      `VmHWM after the GETs ${run.peakAfterGetsMb.toFixed(0)} MB)`,
    limit: NONE,
    limitValue: NONE,
    ratio: NONE,
    target: verdict(run.peakRssMb < TARGET.peakRssMb, `< ${TARGET.peakRssMb} MB`),
  };
}

/**
 * The table's rows.
 *
 * @param r the results
 * @returns the rows, in the order
 */
export function buildRows(r: Results): Row[] {
  const { empty, bare, limits } = r;
  const { gets, posts } = empty;
  const { plan } = r;
  const edLimit = "WebCrypto Ed25519 verify, 64 in flight";
  const commitLimit = "raw node:sqlite FULL, 64 rows/tx";
  const edRow = (figure: string, p: PostLoadResult): Row => ({
    figure,
    value: loadValue(p),
    limit: edLimit,
    limitValue: rate(limits.webcryptoEd25519),
    ratio: ratio(p.perSec, limits.webcryptoEd25519),
    target: verdict(p.perSec / limits.webcryptoEd25519 >= TARGET.edRatio, `≥ ${TARGET.edRatio}`),
  });
  const commitRow = (figure: string, p: PostLoadResult): Row => ({
    figure,
    value: rate(p.perSec),
    limit: commitLimit,
    limitValue: rate(limits.sqliteBatch64),
    ratio: ratio(p.perSec, limits.sqliteBatch64),
    target: NONE,
  });
  const head: Twice = [gets.head, gets.headAgain];
  const chain: Twice = [gets.chain, gets.chainAgain];
  const rows: Row[] = [
    getRow(
      "GET head (mean of 2)",
      head,
      `bare Deno.serve, ${gets.headShape.bytes} B ${gets.headShape.type}`,
      bare.head,
    ),
    getRow(
      `GET chain (${GET_CHAIN_EVENTS} events, mean of 2)`,
      chain,
      `bare Deno.serve, ${gets.chainShape.bytes} B ${gets.chainShape.type}`,
      bare.chain,
    ),
    headedRow(
      "GET head, against the same HTTP work",
      head,
      bare.headHeaded,
      gets.headShape.headers.length,
    ),
    headedRow(
      `GET chain (${GET_CHAIN_EVENTS} events), against the same HTTP work`,
      chain,
      bare.chainHeaded,
      gets.chainShape.headers.length,
    ),
    edRow("POST ed25519, fresh chains", posts.edFresh),
    edRow(`POST ed25519, long chains (from seq ${plan.longPrefix})`, posts.edLong),
    {
      figure: "POST nostr, fresh chains",
      value: loadValue(posts.nostrFresh),
      limit: "noble BIP-340 verify, 1 thread",
      limitValue: rate(limits.nobleBip340),
      ratio: ratio(posts.nostrFresh.perSec, limits.nobleBip340),
      target: verdict(
        posts.nostrFresh.perSec / limits.nobleBip340 >= TARGET.nostrRatio,
        `≥ ${TARGET.nostrRatio}`,
      ),
    },
    commitRow("fsynced commits: POST ed25519 fresh", posts.edFresh),
    commitRow("fsynced commits: POST ed25519 long", posts.edLong),
    {
      figure: "fsynced commits: raw node:sqlite FULL, 1 row/tx",
      value: rate(limits.sqliteOneRow),
      limit: commitLimit,
      limitValue: rate(limits.sqliteBatch64),
      ratio: ratio(limits.sqliteOneRow, limits.sqliteBatch64),
      target: NONE,
    },
    logRow(
      "POST ed25519 fresh, log on (mean of 2)",
      r.logCost.on.map((p) => p.edFresh),
      r.logCost.off.map((p) => p.edFresh),
    ),
    logRow(
      "POST ed25519 long, log on (mean of 2)",
      r.logCost.on.map((p) => p.edLong),
      r.logCost.off.map((p) => p.edLong),
    ),
    logRow(
      "POST nostr fresh, log on (mean of 2)",
      r.logCost.on.map((p) => p.nostrFresh),
      r.logCost.off.map((p) => p.nostrFresh),
    ),
    rssRow("peak RSS under load (VmHWM), empty database", empty),
    {
      figure: "start-up to first answer, fresh database",
      value: `${ms(median(r.startupMs))} (median of ${
        r.startupMs.map((t) => t.toFixed(0)).join(", ")
      })`,
      limit: NONE,
      limitValue: NONE,
      ratio: NONE,
      target: NONE,
    },
  ];
  if (r.scale !== undefined) {
    const s = r.scale.run;
    const n = `@ ${r.scale.copy.events.toLocaleString("en-US")} events`;
    rows.push(
      scaleRow(`GET head ${n}`, [s.gets.head, s.gets.headAgain], [gets.head, gets.headAgain]),
      scaleRow(`GET chain ${n}`, [s.gets.chain, s.gets.chainAgain], [gets.chain, gets.chainAgain]),
      scaleRow(`POST ed25519 fresh ${n}`, s.posts.edFresh, posts.edFresh),
      scaleRow(`POST ed25519 long ${n}`, s.posts.edLong, posts.edLong),
      scaleRow(`POST nostr fresh ${n}`, s.posts.nostrFresh, posts.nostrFresh),
      rssRow(`peak RSS under load (VmHWM) ${n}`, s),
      {
        figure: "database bytes per event (seeded file)",
        value: `${r.scale.copy.bytesPerEvent.toFixed(0)} B`,
        limit: NONE,
        limitValue: NONE,
        ratio: NONE,
        target: NONE,
      },
      {
        figure: `start-up to first answer ${n}`,
        value: ms(s.readyMs),
        limit: NONE,
        limitValue: NONE,
        ratio: NONE,
        target: NONE,
      },
    );
  }
  return rows;
}
