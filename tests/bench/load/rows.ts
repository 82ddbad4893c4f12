/**
 * The figures' table: each figure beside its same-run limit and the ratio
 * (the targets' verdicts are `targets.ts`'s); the PostgreSQL rows are
 * `postgres_report.ts`'s.
 *
 * @module
 */

import { GET_CHAIN_EVENTS } from "./get_phase.ts";
import type { AccessLogCost, LevelRun } from "./access_log_phase.ts";
import type { PostLoadResult } from "./post_load.ts";
import { postgresRows } from "./postgres_report.ts";
import { loadValue, type Measured, perSecOf, type Twice, valueOf } from "./figures.ts";
import { ms, NONE, rate, ratio, type Row, SQLITE_LOG_LIMIT } from "./report.ts";
import type { Results } from "./results.ts";
import type { ServerRun } from "./server_run.ts";
import { median } from "./startup.ts";
import type { WrkResult } from "./wrk.ts";

function getRow(figure: string, w: Twice, limit: string, bare: WrkResult): Row {
  return {
    figure,
    value: valueOf(w),
    limit,
    limitValue: loadValue(bare),
    ratio: ratio(perSecOf(w), bare.perSec),
  };
}

/**
 * A GET figure beside the bare server sending the answer's other headers
 * too, and, when `reads`, also reading the request headers the real server
 * reads (the same HTTP work): what is left to the server's own.
 */
function headedRow(
  figure: string,
  w: Twice,
  headed: WrkResult,
  count: number,
  reads: boolean,
): Row {
  return {
    figure,
    value: rate(perSecOf(w)),
    limit: `bare Deno.serve as above, ${reads ? "reading X-Request-Id and If-None-Match, " : ""}` +
      `answering the real answer's other ${count} headers`,
    limitValue: loadValue(headed),
    ratio: ratio(perSecOf(w), headed.perSec),
  };
}

function scaleRow(figure: string, atScale: Measured | Twice, empty: Measured | Twice): Row {
  return {
    figure,
    value: valueOf(atScale),
    limit: "the same figure, empty database",
    limitValue: valueOf(empty),
    ratio: ratio(perSecOf(atScale), perSecOf(empty)),
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
  };
}

function accessLogRow(cost: AccessLogCost): Row {
  const each = (runs: readonly LevelRun[]) =>
    `${rate(perSecOf(runs.map((l) => l.head)))} (runs: ${
      runs.map((l) => loadValue(l.head)).join("; ")
    })`;
  return {
    figure: `GET head, --log-level info: a line per request (mean of ${cost.info.length})`,
    value: each(cost.info),
    limit: "the same at --log-level warn: no request lines",
    limitValue: each(cost.warn),
    ratio: ratio(perSecOf(cost.info.map((l) => l.head)), perSecOf(cost.warn.map((l) => l.head))),
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
  const edRow = (figure: string, p: PostLoadResult): Row => ({
    figure,
    value: loadValue(p),
    limit: edLimit,
    limitValue: rate(limits.webcryptoEd25519),
    ratio: ratio(p.perSec, limits.webcryptoEd25519),
  });
  const commitRow = (figure: string, perSec: number): Row => ({
    figure,
    value: rate(perSec),
    limit: SQLITE_LOG_LIMIT,
    limitValue: rate(limits.sqliteBatch64WithLog),
    ratio: ratio(perSec, limits.sqliteBatch64WithLog),
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
      "GET head, against the same bytes and headers",
      head,
      bare.headSent,
      gets.headShape.headers.length,
      false,
    ),
    headedRow(
      `GET chain (${GET_CHAIN_EVENTS} events), against the same bytes and headers`,
      chain,
      bare.chainSent,
      gets.chainShape.headers.length,
      false,
    ),
    headedRow(
      "GET head, against the same HTTP work",
      head,
      bare.headHeaded,
      gets.headShape.headers.length,
      true,
    ),
    headedRow(
      `GET chain (${GET_CHAIN_EVENTS} events), against the same HTTP work`,
      chain,
      bare.chainHeaded,
      gets.chainShape.headers.length,
      true,
    ),
    edRow("POST ed25519, fresh chains", posts.edFresh),
    edRow(`POST ed25519, long chains (from seq ${plan.longPrefix})`, posts.edLong),
    {
      figure: "POST nostr, fresh chains",
      value: loadValue(posts.nostrFresh),
      limit: "noble BIP-340 verify, 1 thread",
      limitValue: rate(limits.nobleBip340),
      ratio: ratio(posts.nostrFresh.perSec, limits.nobleBip340),
    },
    commitRow("fsynced commits: POST ed25519 fresh", posts.edFresh.perSec),
    commitRow("fsynced commits: POST ed25519 long", posts.edLong.perSec),
    commitRow("fsynced commits: POST nostr fresh", posts.nostrFresh.perSec),
    commitRow(
      "fsynced commits: raw node:sqlite FULL, 64 rows/tx, no log rows",
      limits.sqliteBatch64,
    ),
    commitRow("fsynced commits: raw node:sqlite FULL, 1 row/tx, no log rows", limits.sqliteOneRow),
    commitRow(
      "the least work of POST ed25519 fresh: parsed, checked, hashed, not stored",
      r.leastWork.perSec,
    ),
    {
      figure: "POST ed25519 fresh, against the least work",
      value: rate(posts.edFresh.perSec),
      limit: "the same POSTs to tests/bench/load/least_work_server.ts",
      limitValue: loadValue(r.leastWork),
      ratio: ratio(posts.edFresh.perSec, r.leastWork.perSec),
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
    accessLogRow(r.accessLog),
    rssRow("peak RSS under load (VmHWM), empty database", empty),
    {
      figure: "start-up to first answer, fresh database",
      value: `${ms(median(r.startupMs))} (median of ${
        r.startupMs.map((t) => t.toFixed(0)).join(", ")
      })`,
      limit: NONE,
      limitValue: NONE,
      ratio: NONE,
    },
    ...postgresRows(r),
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
      },
      {
        figure: `start-up to first answer ${n}`,
        value: ms(s.readyMs),
        limit: NONE,
        limitValue: NONE,
        ratio: NONE,
      },
    );
  }
  return rows;
}
