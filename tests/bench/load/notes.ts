/**
 * The notes under the table: the machine, how each figure was taken, the
 * proof that the load generators were not the bottleneck, where the CPU went,
 * errors, the server's log, and timings.
 *
 * @module
 */

import { formatMachine } from "./machine.ts";
import type { PostLoadResult } from "./post_load.ts";
import { DISTURBED_CORES, ms, rate } from "./report.ts";
import { postgresNotes } from "./postgres_report.ts";
import type { Results } from "./results.ts";
import { TARGET } from "./targets.ts";
import type { ServerRun } from "./server_run.ts";
import type { WrkResult } from "./wrk.ts";

function cores(n: number | undefined): string {
  return n === undefined ? "?" : n.toFixed(2);
}

/** Where the machine's CPU went during a run: the measured pair, and everything else. */
function cpuSplit(server: number | undefined, loadName: string, load: number, machine: number) {
  const others = Math.max(0, machine - (server ?? 0) - load);
  return `server ${cores(server)}, ${loadName} ${cores(load)}, other processes ${
    cores(others)
  } cores`;
}

function wrkLine(name: string, w: WrkResult): string {
  return `${name}: ${cpuSplit(w.serverCores, "wrk", w.wrkCores, w.machineCores)}`;
}

function postLine(name: string, p: PostLoadResult): string {
  const errors = [...p.errors.values()].reduce((a, b) => a + b, 0);
  const detail = [...p.errors].slice(0, 3).map(([what, count]) => `${count}× \`${what}\``);
  return `${name}: ${p.ok} × 201 in ${p.seconds.toFixed(1)} s` +
    `${p.exhausted ? " (all pre-signed bodies sent before the time cap)" : ""}, ` +
    `${errors} errors${detail.length > 0 ? ` (${detail.join("; ")})` : ""}; CPU: ` +
    cpuSplit(p.serverCores, "generator", p.generatorCores, p.machineCores) + ".";
}

function logLine(name: string, run: ServerRun): string {
  const statuses = [...run.log.otherStatuses].map(([s, n]) => `${n}× ${s}`).join(", ");
  const problems = run.log.problems.map((l) => `\`${l.slice(0, 200)}\``).join("; ");
  return `Server log (${name}): ${run.log.lines} lines; ${run.log.problemCount} ERROR/WARN lines` +
    `${problems === "" ? "" : ` (first: ${problems})`}; statuses other than 200/201: ` +
    `${statuses === "" ? "none" : statuses}.`;
}

function accessLogNote(r: Results): string {
  const { runs } = r.accessLog;
  return `Access log: GET head on the empty database, each run on a new server process (${
    runs.map((l) => l.level).join(", ")
  }) after a ${r.plan.wrk.warmSeconds} s warm-up; lines each server logged: ${
    runs.map((l) => `${l.level} ${l.logLines.toLocaleString("en-US")}`).join(", ")
  } (at info one per request; at warn none); GET errors ${
    runs.reduce((n, l) => n + l.head.errors, 0)
  }.`;
}

/** What the least-work server measured, against the raw SQLite limit and the POST target. */
function leastWorkNote(r: Results): string {
  const least = r.leastWork.perSec;
  const limit = r.limits.sqliteBatch64WithLog;
  const share = least / limit;
  return `The least work a server must do for the fresh Ed25519 POSTs (tests/bench/load/least_work_server.ts: each body read in one runtime operation, parsed, its key made and its signature checked with node:crypto, its line hashed for the 201; nothing stored, no other check, no log, the server's V8 flags) took them at ${
    rate(least)
  } (p99 ${ms(r.leastWork.p99Ms)}, ${cores(r.leastWork.serverCores)} server cores), ${
    share.toFixed(2)
  } of the raw SQLite limit (${rate(limit)}): ${
    share < TARGET.postFresh
      ? `below the ${TARGET.postFresh} the POST fresh target asks for: with one thread serving HTTP, as this server has, no server doing that work could meet it on this machine`
      : `above the ${TARGET.postFresh} the POST fresh target asks for`
  }; the server reached ${(r.empty.posts.edFresh.perSec / least).toFixed(2)} of the least work.`;
}

/**
 * The notes under the table: the machine, how each figure was taken, the
 * proof that the load generators were not the bottleneck, errors, and timings.
 *
 * @param r the results
 * @returns one paragraph each
 */
export function buildNotes(r: Results): string[] {
  const { plan, empty, bare, ceiling } = r;
  const t2 = bare.headTwoThreads;
  const wrkRuns: [string, WrkResult][] = [
    ["real head", empty.gets.head],
    ["real head again", empty.gets.headAgain],
    ["real chain", empty.gets.chain],
    ["real chain again", empty.gets.chainAgain],
    ["bare head", bare.head],
    ["bare chain", bare.chain],
    ["bare head + headers", bare.headSent],
    ["bare chain + headers", bare.chainSent],
    ["bare head + HTTP work", bare.headHeaded],
    ["bare chain + HTTP work", bare.chainHeaded],
  ];
  const names = (headers: readonly string[]) =>
    headers.map((h) => h.slice(0, h.indexOf(":"))).join(", ");
  const fastestPost = Math.max(
    empty.posts.edFresh.perSec,
    empty.posts.edLong.perSec,
    empty.posts.nostrFresh.perSec,
  );
  const notes = [
    `Machine: ${
      formatMachine(r.machine)
    }. The machine is shared and noisy: compare ratios within one run, not figures across runs.`,
    `Mode: ${plan.quick ? "--quick (short runs; scale only with --db-scale)" : "full"}. ` +
    `GET: wrk ${empty.gets.head.params} --latency after a ${plan.wrk.warmSeconds} s warm-up, twice per route with its bare servers in between (the figure is the mean), rotating over ${empty.getPaths.length} chains of 10 Ed25519 events (seeded over HTTP with ChainAuthor) with a Lua script; the bare server (tests/bench/load/bare_server.ts) answers every path with a constant body of the same byte size and Content-Type, and no other headers; the one "with the same headers" also answers, with constant values, the other headers the real answers carry (head: ${
      names(empty.gets.headShape.headers)
    }; chain: ${
      names(empty.gets.chainShape.headers)
    }), set one by one as the server sets them, and the one "reading X-Request-Id and If-None-Match" also reads those two request headers, as the real server does. The GET target is against the bare server with the same headers: the same bytes sent (issue #15).`,
    `wrk is not the bottleneck: its CPU use (from /proc/PID/stat) was ${
      wrkRuns.map(([n, w]) => `${n} ${cores(w.wrkCores)}`).join(", ")
    } cores (one thread: 1.00 would be saturated)` +
    (t2 === undefined
      ? "."
      : `; with -t2 the bare head figure was ${rate(t2.perSec)} vs ${
        rate(bare.head.perSec)
      } with -t1 (×${(t2.perSec / bare.head.perSec).toFixed(2)}).`),
    `CPU during GET (${r.machine.cores} cores in all; "other processes" is the rest of the machine, from /proc/stat — a figure is marked ⚠ in the table when they used more than ${DISTURBED_CORES} cores during its run): ${
      wrkRuns.map(([n, w]) => wrkLine(n, w)).join("; ")
    }.`,
    `POST: tests/bench/load/post_load.ts, keep-alive HTTP/1.1 on raw TCP, ${plan.connections} connections, every request signed before measuring (node:crypto Ed25519; BIP-340 with incremental keys and nonces), every answer checked to be a 201 echoing the event's seq and hash; each run capped at ${plan.postSeconds} s. ` +
    `Long chains: ${plan.longChains} chains with ${plan.longPrefix} events each inserted into SQLite before the server starts; each connection appends to its own ${
      plan.longChains / plan.connections
    } chains in seq order.`,
    `The POST generator is not the bottleneck: it drove the bare server (reads the body, answers a ${empty.createdBytes} B 201) at ${
      rate(ceiling.perSec)
    } (p99 ${ms(ceiling.p99Ms)}), ${
      (ceiling.perSec / fastestPost).toFixed(1)
    }× the fastest server POST figure, using ${cores(ceiling.generatorCores)} cores.`,
    leastWorkNote(r),
    postLine("POST ed25519 fresh", empty.posts.edFresh),
    postLine("POST ed25519 long", empty.posts.edLong),
    postLine("POST nostr fresh", empty.posts.nostrFresh),
    `GET errors (non-2xx/3xx and socket errors): server head ${
      empty.gets.head.errors + empty.gets.headAgain.errors
    }, chain ${empty.gets.chain.errors + empty.gets.chainAgain.errors}.`,
    logLine("empty database", empty),
    `WebCrypto verifies Ed25519 at ${rate(r.limits.webcryptoEd25519)} with 64 in flight, ${
      (r.limits.webcryptoEd25519 / r.limits.sqliteBatch64WithLog).toFixed(1)
    }× the rate at which raw node:sqlite alone stores such rows and their log rows durably in batches of 64 (${
      rate(r.limits.sqliteBatch64WithLog)
    }): for fresh Ed25519 chains the storage, not the verification, is the limit.`,
    `Limits, each in its own subprocess: WebCrypto verify over a 330 B message; BIP-340 verify of a 32-byte digest; raw SQLite inserts the §7 row of a real event into the §7 table, each under a random primary id as fresh chains have, WAL + synchronous=FULL, with 1 or 64 rows per transaction, and 64 with each row's kez_log_entries row and the kez_log_state row per batch (lib/store/schema.ts's log tables; hashes random, nothing signed or read). "fsynced commits" compares the server's POST rate with the last: the server commits each 201 durably with the log on.`,
    accessLogNote(r),
    ...postgresNotes(r),
  ];
  if (r.scale !== undefined) {
    const { copy, run, source } = r.scale;
    notes.push(
      `Scale: a copy of ${source} (${copy.events.toLocaleString("en-US")} events in ${
        copy.chains.toLocaleString("en-US")
      } chains, ${
        copy.bytesPerEvent.toFixed(0)
      } B/event) plus the same long-chain prefixes; GET rotates over ${run.getPaths.length} of its 10-event chains spread over the key space; the same pre-signed POST bodies. Ratio = scale figure / empty-database figure.`,
      postLine("scale POST ed25519 fresh", run.posts.edFresh),
      postLine("scale POST ed25519 long", run.posts.edLong),
      postLine("scale POST nostr fresh", run.posts.nostrFresh),
      `Scale GET errors: head ${run.gets.head.errors + run.gets.headAgain.errors}, chain ${
        run.gets.chain.errors + run.gets.chainAgain.errors
      }; CPU: ${wrkLine("head", run.gets.head)}; ${wrkLine("chain", run.gets.chain)}.`,
      logLine("scale database", run),
    );
  } else {
    notes.push(
      "Scale: not run. Seed with `deno task bench:seed --db FILE --events 1000000 --chains 100000`, then `deno task bench --db-scale FILE`.",
    );
  }
  notes.push(
    `Wall time: ${
      r.parts.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(", ")
    }; load benchmark total ${r.totalSeconds.toFixed(0)} s.`,
  );
  return notes;
}
