/**
 * Reading a load figure: its rate, its worst p99, and how a table cell
 * shows it.
 *
 * @module
 */

import type { PostLoadResult } from "./post_load.ts";
import { DISTURBED_CORES, ms, rate } from "./report.ts";
import type { WrkResult } from "./wrk.ts";

/** What a load run measured: a rate and its latencies, and where the CPU went. */
export type Measured = WrkResult | PostLoadResult;

/** The machine's busy cores that were neither the server nor the load generator. */
function othersCores(m: Measured): number {
  const load = "wrkCores" in m ? m.wrkCores : m.generatorCores;
  return Math.max(0, m.machineCores - (m.serverCores ?? 0) - load);
}

/**
 * A load figure as a cell: its rate and latencies, marked when other
 * processes disturbed it.
 *
 * @param m the figure
 * @returns the text
 */
export function loadValue(m: Measured): string {
  const others = othersCores(m);
  const mark = others > DISTURBED_CORES
    ? ` · ⚠ disturbed: other processes ${others.toFixed(2)} cores`
    : "";
  return `${rate(m.perSec)} · p50 ${ms(m.p50Ms)} · p99 ${ms(m.p99Ms)}${mark}`;
}

/** A GET figure taken twice, before and after its limits. */
export type Twice = readonly [WrkResult, WrkResult];

/**
 * A figure's rate: the mean of its runs.
 *
 * @param m one run or several
 * @returns requests per second
 */
export function perSecOf(m: Measured | readonly Measured[]): number {
  if ("perSec" in m) return m.perSec;
  return m.reduce((sum, run) => sum + run.perSec, 0) / m.length;
}

/**
 * A figure's worst p99 over its runs.
 *
 * @param m one run or several
 * @returns milliseconds
 */
export function p99Of(m: Measured | readonly Measured[]): number {
  return "p99Ms" in m ? m.p99Ms : Math.max(...m.map((run) => run.p99Ms));
}

/**
 * A figure as a cell: one run's, or the mean of two and each run's.
 *
 * @param m one run, or two
 * @returns the text
 */
export function valueOf(m: Measured | Twice): string {
  if ("perSec" in m) return loadValue(m);
  return `${rate(perSecOf(m))} (runs: ${loadValue(m[0])}; ${loadValue(m[1])})`;
}
