/**
 * The targets: each one's figure beside its limit from the same run, the
 * ratio, and whether it is met, printed as their own table under the
 * figures'.
 *
 * @module
 */

import { GET_CHAIN_EVENTS } from "./get_phase.ts";
import { p99Of, perSecOf, type Twice } from "./figures.ts";
import { cell, ms, NONE, PG_LIMIT, rate, ratio, SQLITE_LOG_LIMIT } from "./report.ts";
import type { Results } from "./results.ts";
import type { WrkResult } from "./wrk.ts";

/** One target's line. */
export interface TargetRow {
  /** The target, e.g. `POST ed25519 fresh ≥ 0.6 of …`. */
  readonly target: string;
  /** The figure, as measured. */
  readonly figure: string;
  /** What it is compared with, and its value. */
  readonly limit: string;
  /** figure / limit. */
  readonly ratio: string;
  /** `met`, `**not met**`, or why it was not measured. */
  readonly met: string;
}

/** The thresholds of issue #15. */
export const TARGET = {
  postFresh: 0.6,
  postLong: 0.5,
  get: 0.7,
  getP99Ms: 10,
  peakRssMb: 150,
  scale: 1.3,
  accessLog: 0.95,
  pgTwo: 1.5,
  pgOne: 0.5,
} as const;

function met(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

function ratioRow(target: string, figure: number, limit: number, limitText: string, min: number) {
  return {
    target,
    figure: rate(figure),
    limit: `${limitText}: ${rate(limit)}`,
    ratio: ratio(figure, limit),
    met: met(limit > 0 && figure / limit >= min),
  };
}

function getTarget(route: string, runs: Twice, bare: WrkResult, bareText: string): TargetRow {
  const perSec = perSecOf(runs);
  const p99 = p99Of(runs);
  return {
    target: `GET ${route} ≥ ${TARGET.get} of bare Deno.serve sending the same bytes and headers, ` +
      `p99 < ${TARGET.getP99Ms} ms at ${runs[0].params.split(" ")[1]!.slice(2)} connections`,
    figure: `${rate(perSec)} (mean of 2), worst p99 ${ms(p99)}`,
    limit: `${bareText}: ${rate(bare.perSec)}`,
    ratio: ratio(perSec, bare.perSec),
    met: met(perSec / bare.perSec >= TARGET.get && p99 < TARGET.getP99Ms),
  };
}

/** Every server process of the run, with its peak resident set. */
function peaks(r: Results): [string, number][] {
  const all: [string, number][] = [["SQLite, empty database", r.empty.peakRssMb]];
  r.logCost.off.forEach((p, i) => all.push([`--transparency-log false #${i + 1}`, p.peakRssMb]));
  r.logCost.on.forEach((p, i) => all.push([`log on #${i + 1}`, p.peakRssMb]));
  r.accessLog.info.forEach((l, i) => all.push([`access log info #${i + 1}`, l.peakRssMb]));
  r.accessLog.warn.forEach((l, i) => all.push([`access log warn #${i + 1}`, l.peakRssMb]));
  if (r.postgres.ran) {
    r.postgres.one.peakRssMb.forEach((mb) => all.push(["PostgreSQL, 1 server", mb]));
    r.postgres.two.peakRssMb.forEach((mb, i) => all.push([`PostgreSQL, server ${i + 1} of 2`, mb]));
  }
  if (r.scale !== undefined) all.push(["scale database", r.scale.run.peakRssMb]);
  return all;
}

function scaleTarget(r: Results): TargetRow {
  const target = `every rate @ 1,000,000 events within ${TARGET.scale}× of the empty store`;
  if (r.scale === undefined) {
    return { target, figure: NONE, limit: NONE, ratio: NONE, met: "not measured: no --db-scale" };
  }
  const s = r.scale.run;
  const e = r.empty;
  const pairs: [string, number, number][] = [
    [
      "GET head",
      perSecOf([s.gets.head, s.gets.headAgain]),
      perSecOf([e.gets.head, e.gets.headAgain]),
    ],
    [
      "GET chain",
      perSecOf([s.gets.chain, s.gets.chainAgain]),
      perSecOf([e.gets.chain, e.gets.chainAgain]),
    ],
    ["POST ed25519 fresh", s.posts.edFresh.perSec, e.posts.edFresh.perSec],
    ["POST ed25519 long", s.posts.edLong.perSec, e.posts.edLong.perSec],
    ["POST nostr fresh", s.posts.nostrFresh.perSec, e.posts.nostrFresh.perSec],
  ];
  const [name, atScale, empty] = pairs.reduce((low, p) => p[1] / p[2] < low[1] / low[2] ? p : low);
  return {
    target: `${target} (${r.scale.copy.events.toLocaleString("en-US")} events here)`,
    figure: `lowest: ${name} ${rate(atScale)}; all: ${
      pairs.map(([n, a, b]) => `${n} ${ratio(a, b)}`).join(", ")
    }`,
    limit: `the same, empty database: ${rate(empty)}`,
    ratio: ratio(atScale, empty),
    met: met(atScale / empty >= 1 / TARGET.scale),
  };
}

function postgresTargets(r: Results): TargetRow[] {
  const two = `2 servers on one PostgreSQL ≥ ${TARGET.pgTwo}× the POSTs of 1 (ed25519 fresh)`;
  const one = `1 server on PostgreSQL ≥ ${TARGET.pgOne} of the raw batched insert (ed25519 fresh)`;
  const pg = r.postgres;
  if (!pg.ran) {
    const skipped = { figure: NONE, limit: NONE, ratio: NONE, met: `not measured: ${pg.why}` };
    return [{ target: two, ...skipped }, { target: one, ...skipped }];
  }
  return [
    ratioRow(two, pg.two.post.perSec, pg.one.post.perSec, "1 server on PostgreSQL", TARGET.pgTwo),
    ratioRow(one, pg.one.post.perSec, pg.limit.batch64, PG_LIMIT, TARGET.pgOne),
  ];
}

/**
 * The targets' lines.
 *
 * @param r the results
 * @returns one per target
 */
export function buildTargets(r: Results): TargetRow[] {
  const { empty, limits, bare } = r;
  const lower = Math.min(limits.sqliteBatch64WithLog, limits.nobleBip340);
  const lowerText = `the lower of ${SQLITE_LOG_LIMIT} (${
    rate(limits.sqliteBatch64WithLog)
  }) and noble BIP-340 verify, 1 thread (${rate(limits.nobleBip340)})`;
  const all = peaks(r);
  const [peakName, peakMb] = all.reduce((max, p) => p[1] > max[1] ? p : max);
  const info = perSecOf(r.accessLog.info.map((l) => l.head));
  const warn = perSecOf(r.accessLog.warn.map((l) => l.head));
  return [
    ratioRow(
      `POST ed25519 fresh ≥ ${TARGET.postFresh} of raw SQLite inserting the same rows`,
      empty.posts.edFresh.perSec,
      limits.sqliteBatch64WithLog,
      SQLITE_LOG_LIMIT,
      TARGET.postFresh,
    ),
    ratioRow(
      `POST ed25519 long chains ≥ ${TARGET.postLong} of raw SQLite or of BIP-340, the lower`,
      empty.posts.edLong.perSec,
      lower,
      lowerText,
      TARGET.postLong,
    ),
    ratioRow(
      `POST nostr fresh ≥ ${TARGET.postLong} of raw SQLite or of BIP-340, the lower`,
      empty.posts.nostrFresh.perSec,
      lower,
      lowerText,
      TARGET.postLong,
    ),
    getTarget(
      "head",
      [empty.gets.head, empty.gets.headAgain],
      bare.headSent,
      `bare, ${empty.gets.headShape.bytes} B and ${empty.gets.headShape.headers.length} headers`,
    ),
    getTarget(
      `chain (${GET_CHAIN_EVENTS} events)`,
      [empty.gets.chain, empty.gets.chainAgain],
      bare.chainSent,
      `bare, ${empty.gets.chainShape.bytes} B and ${empty.gets.chainShape.headers.length} headers`,
    ),
    {
      target: `peak RSS < ${TARGET.peakRssMb} MB over the whole run`,
      figure: `${peakMb.toFixed(0)} MB (${peakName}; ${all.length} server processes)`,
      limit: `${TARGET.peakRssMb} MB`,
      ratio: ratio(peakMb, TARGET.peakRssMb),
      met: met(peakMb < TARGET.peakRssMb),
    },
    scaleTarget(r),
    {
      target: `the access log costs ≤ ${
        Math.round((1 - TARGET.accessLog) * 100)
      }% of the GET rate (GET head)`,
      figure: `${rate(info)} at --log-level info (mean of ${r.accessLog.info.length})`,
      limit: `the same at --log-level warn, no request lines: ${rate(warn)}`,
      ratio: ratio(info, warn),
      met: met(info / warn >= TARGET.accessLog),
    },
    ...postgresTargets(r),
  ];
}

/**
 * Renders the targets' table.
 *
 * @param rows the targets' lines
 * @returns Markdown
 */
export function renderTargets(rows: readonly TargetRow[]): string {
  const cells = (r: TargetRow) => [r.target, r.figure, r.limit, r.ratio, r.met];
  return [
    "Targets:",
    "",
    "| target | figure | limit | ratio | met? |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${cells(r).map(cell).join(" | ")} |`),
  ].join("\n");
}
