/**
 * The PostgreSQL figures in the report: their rows of the figures' table,
 * beside the SQLite server's same figures and the raw limits, and their
 * notes.
 *
 * @module
 */

import type { PgServersRun } from "./postgres_phase.ts";
import { NONE, PG_LIMIT, rate, ratio, type Row, SQLITE_LOG_LIMIT } from "./report.ts";
import type { Results } from "./results.ts";
import { loadValue, perSecOf } from "./figures.ts";
import type { WrkResult } from "./wrk.ts";

/**
 * GET head of one or two servers: their rates summed, their worst p99.
 *
 * @param head one wrk run per server, run at the same time
 * @returns the figure as a cell and its rate
 */
function headOf(head: readonly WrkResult[]): { value: string; perSec: number } {
  const perSec = head.reduce((sum, w) => sum + w.perSec, 0);
  if (head.length === 1) return { value: loadValue(head[0]!), perSec };
  return { value: `${rate(perSec)} (each: ${head.map(loadValue).join("; ")})`, perSec };
}

/**
 * The PostgreSQL rows: a row saying why they are missing when they are.
 *
 * @param r the results
 * @returns the rows
 */
export function postgresRows(r: Results): Row[] {
  const pg = r.postgres;
  if (!pg.ran) {
    return [{
      figure: "PostgreSQL figures",
      value: `skipped: ${pg.why}`,
      limit: NONE,
      limitValue: NONE,
      ratio: NONE,
    }];
  }
  const sqliteHead = perSecOf([r.empty.gets.head, r.empty.gets.headAgain]);
  const bare = r.bare.head;
  const headRow = (figure: string, run: PgServersRun): Row => {
    const head = headOf(run.head);
    return {
      figure,
      value: head.value,
      limit: "GET head, 1 server on SQLite (mean of 2)",
      limitValue: rate(sqliteHead),
      ratio: ratio(head.perSec, sqliteHead),
    };
  };
  const postRow = (figure: string, perSec: number, value: string): Row => ({
    figure,
    value,
    limit: PG_LIMIT,
    limitValue: rate(pg.limit.batch64),
    ratio: ratio(perSec, pg.limit.batch64),
  });
  const sqlite = r.empty.posts.edFresh.perSec;
  return [
    {
      figure: "POST ed25519 fresh, 1 server on SQLite",
      value: rate(sqlite),
      limit: SQLITE_LOG_LIMIT,
      limitValue: rate(r.limits.sqliteBatch64WithLog),
      ratio: ratio(sqlite, r.limits.sqliteBatch64WithLog),
    },
    postRow(
      "POST ed25519 fresh, 1 server on PostgreSQL",
      pg.one.post.perSec,
      loadValue(pg.one.post),
    ),
    postRow(
      "POST ed25519 fresh, 2 servers on one PostgreSQL",
      pg.two.post.perSec,
      loadValue(pg.two.post),
    ),
    {
      figure: "POST ed25519 fresh, 2 servers on one PostgreSQL against 1",
      value: rate(pg.two.post.perSec),
      limit: "the same, 1 server on PostgreSQL",
      limitValue: rate(pg.one.post.perSec),
      ratio: ratio(pg.two.post.perSec, pg.one.post.perSec),
    },
    postRow("raw PostgreSQL, 1 row/tx", pg.limit.oneRowPerTx, rate(pg.limit.oneRowPerTx)),
    headRow("GET head, 1 server on PostgreSQL", pg.one),
    headRow("GET head, 2 servers on one PostgreSQL (summed)", pg.two),
    {
      figure: "GET head, 2 servers on one PostgreSQL (summed), against bare",
      value: rate(headOf(pg.two.head).perSec),
      limit: `bare Deno.serve, ${r.empty.gets.headShape.bytes} B, 1 process`,
      limitValue: rate(bare.perSec),
      ratio: ratio(headOf(pg.two.head).perSec, bare.perSec),
    },
  ];
}

function runNote(name: string, run: PgServersRun): string {
  const p = run.post;
  const errors = [...p.errors.values()].reduce((a, b) => a + b, 0);
  const detail = [...p.errors].slice(0, 3).map(([what, count]) => `${count}× \`${what}\``);
  const statuses = run.logs.map((log) =>
    [...log.otherStatuses].map(([s, n]) => `${n}× ${s}`).join(", ") || "none"
  );
  return `PostgreSQL, ${name}: POST ${p.ok} × 201 in ${p.seconds.toFixed(1)} s, ${errors} errors` +
    `${detail.length > 0 ? ` (${detail.join("; ")})` : ""}; CPU: servers ${
      p.serverCores?.toFixed(2) ?? "?"
    }, generator ${p.generatorCores.toFixed(2)}, machine ${p.machineCores.toFixed(2)} cores ` +
    `(PostgreSQL's own processes are in "machine"); GET head errors ${
      run.head.reduce((n, w) => n + w.errors, 0)
    }; peak RSS ${run.peakRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(", ")}; server logs: ${
      run.logs.map((l) => `${l.lines} lines, ${l.problemCount} ERROR/WARN`).join("; ")
    }${
      run.logs.flatMap((l) => l.problems).slice(0, 2).map((l) => ` \`${l.slice(0, 200)}\``).join(
        "",
      )
    }; statuses other than 200/201: ${statuses.join("; ")}.`;
}

/**
 * The PostgreSQL notes.
 *
 * @param r the results
 * @returns one paragraph each
 */
export function postgresNotes(r: Results): string[] {
  const pg = r.postgres;
  if (!pg.ran) {
    return [
      `PostgreSQL figures skipped: ${pg.why}. Install it (Debian: postgresql-15) or set KEZ_POSTGRES_BIN; --no-postgres skips it on purpose.`,
    ];
  }
  return [
    `PostgreSQL: a throwaway cluster (tests/support/postgres.ts) on this machine's disk with its default durability (fsync on, synchronous_commit on, checked by the limit probe), a fresh database per figure. Each server runs with --db postgres://… and the same --log-key file; GET head rotates over ${r.plan.getChains} chains of 10 events seeded over HTTP through the first server (every server answered them before measuring); with 2 servers, two wrk -c${
      r.plan.wrk.connections / 2
    } run at the same time, one per server, and the POST generator's ${r.plan.connections} connections go to each server in turn. The limit (tests/bench/load/pg_limit.ts, its own subprocess, one connection): per transaction, kez_log_state locked FOR UPDATE, then the rows with random primary ids in one unnest insert into sigchain_events and one into kez_log_entries, and the state row updated, pipelined as PgStore sends them, into lib/store/pg_schema.ts's tables and indexes; no reads, hashing or signing.`,
    runNote("1 server", pg.one),
    runNote("2 servers", pg.two),
  ];
}
