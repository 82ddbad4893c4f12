/**
 * The load benchmark (`deno task bench`): the real server as a black box on
 * 127.0.0.1, each figure next to its limit measured in the same run, printed
 * as one Markdown table of figures, one of targets (each target's figure,
 * limit, ratio, and met or not met) and notes; then the `deno bench`
 * micro-benchmarks of `tests/bench/protocol_bench.ts`.
 *
 * ```sh
 * deno task bench                            # ~4 min, then the micro-benchmarks (~15 s)
 * deno task bench --quick                    # ~2.5 min smoke run, then the micro-benchmarks
 * deno task bench --no-postgres              # without the PostgreSQL figures
 * deno task bench:seed --db /tmp/kez-1m.db   # 1,000,000 events in 100,000 chains, ~1 min
 * deno task bench --db-scale /tmp/kez-1m.db  # adds the scale figures (~1 more minute)
 * deno task bench --load-only                # skips the micro-benchmarks
 * ```
 *
 * The server runs on SQLite; then, where PostgreSQL is installed
 * (`tests/support/postgres.ts` finds it), on a throwaway PostgreSQL cluster:
 * one server, then two on one database, beside the raw batched insert of
 * what a commit writes. Where it is not, the notes say so and its rows are
 * skipped. One server process runs at a time, but for the two on
 * PostgreSQL; `--quick` skips the scale figures unless `--db-scale` is
 * given (then it measures them with its short runs). Every child process
 * and the cluster are stopped at the end, on failure and on Ctrl-C.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ACCESS_LOG_ORDER, measureAccessLogCost } from "./access_log_phase.ts";
import { createDatabase } from "./db.ts";
import { type BareGet, measureBareGet, type Route } from "./get_phase.ts";
import { measureLimit } from "./limits.ts";
import { describeMachine } from "./machine.ts";
import { measureGeneratorCeiling, measureLeastWork } from "./post_phase.ts";
import { measurePostgres, type PostgresFigures, stopPostgres } from "./postgres_phase.ts";
import { stopAll } from "./processes.ts";
import { buildReport, type Limits, type Plan, type Results } from "./results.ts";
import { prepareScaleCopy } from "./scale.ts";
import { measurePostsOnly, measureServer } from "./server_run.ts";
import { ed25519Signer, NostrKeyRing } from "./signers.ts";
import { measureStartup } from "./startup.ts";
import { freshChains, longChains } from "./workloads.ts";
import { renderNotes, renderTable } from "./report.ts";
import { renderTargets } from "./targets.ts";

/** The full run: ~3 minutes with the scale figures on a 2-core machine. */
const FULL: Plan = {
  quick: false,
  wrk: { seconds: 10, warmSeconds: 1, connections: 64 },
  postSeconds: 8,
  limitSeconds: 3,
  connections: 64,
  getChains: 16,
  edFresh: 80_000,
  nostrFresh: 24_000,
  longChains: 256,
  longPrefix: 100,
  longAppend: 300,
  startups: 3,
};

/** The smoke run: the same figures, shorter and with fewer pre-signed events. */
const QUICK: Plan = {
  ...FULL,
  quick: true,
  wrk: { seconds: 3, warmSeconds: 1, connections: 64 },
  postSeconds: 3,
  limitSeconds: 1,
  edFresh: 30_000,
  nostrFresh: 9_000,
  longAppend: 100,
};

const USAGE = `Usage: deno task bench [--quick] [--db-scale PATH.db] [--no-postgres] [--load-only]

  --quick            a ~2.5 min smoke run
  --db-scale PATH    add the scale figures on a database seeded by deno task bench:seed
  --no-postgres      skip the PostgreSQL figures
  --load-only        skip the deno bench micro-benchmarks
  -h, --help         print this and exit`;

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      "db-scale": { type: "string" },
      "load-only": { type: "boolean", default: false },
      "no-postgres": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
} catch (e) {
  console.error(`${(e as Error).message}\n\n${USAGE}`);
  Deno.exit(2);
}
const flags = parsed.values;
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const plan = flags.quick ? QUICK : FULL;
if (flags["db-scale"] !== undefined && !(await Deno.stat(flags["db-scale"]).catch(() => null))) {
  // Fail now, not after minutes of measuring.
  console.error(
    `--db-scale ${flags["db-scale"]}: no such file; seed one with deno task bench:seed`,
  );
  Deno.exit(2);
}
const started = performance.now();
const log = (line: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const parts: [string, number][] = [];
async function part<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  log(`${name}…`);
  try {
    return await fn();
  } finally {
    parts.push([name, (performance.now() - t) / 1000]);
  }
}

const dir = await Deno.makeTempDir({ prefix: "kez-bench-" });
// Ctrl-C: stop every child, by pid, and remove the scratch files.
const onInterrupt = async () => {
  await stopAll();
  await stopPostgres();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  Deno.exit(130);
};
Deno.addSignalListener("SIGINT", onInterrupt);

let report: string;
try {
  const machine = describeMachine();
  const startupMs = await part("start-up time", () => measureStartup(dir, plan.startups));
  const workloads = await part("pre-signing the POST bodies", () => {
    const ring = new NostrKeyRing();
    return {
      edFresh: freshChains(() => ed25519Signer(), plan.edFresh, plan.connections),
      edLong: longChains(
        () => ed25519Signer(),
        plan.longChains,
        plan.longPrefix,
        plan.longAppend,
        plan.connections,
      ),
      nostrFresh: freshChains(() => ring.next(), plan.nostrFresh, plan.connections),
    };
  });

  const emptyDb = `${dir}/empty.db`;
  createDatabase(emptyDb, workloads.edLong.prefix);
  const bareGets = new Map<Route, BareGet>();
  let limits: Limits | undefined;
  const empty = await part("empty database: server, bare server, limits", () =>
    measureServer({
      db: emptyDb,
      dir,
      label: "empty",
      getChains: plan.getChains,
      workloads,
      wrk: plan.wrk,
      postSeconds: plan.postSeconds,
      log,
      afterGet: async (route, shape, script) => {
        log(`bare server GET ${route}`);
        // wrk -t2 once, in the full run, on the smaller body (the highest rate).
        bareGets.set(
          route,
          await measureBareGet(shape, script, plan.wrk, !plan.quick && route === "head"),
        );
      },
      between: async () => {
        log("limits");
        const ed = await measureLimit("webcrypto-ed25519", plan.limitSeconds, dir);
        const bip = await measureLimit("noble-bip340", plan.limitSeconds, dir);
        const sql = await measureLimit("sqlite-full", plan.limitSeconds * 3, dir);
        limits = {
          webcryptoEd25519: ed.verifiesPerSec!,
          nobleBip340: bip.verifiesPerSec!,
          sqliteOneRow: sql.oneRowPerTxPerSec!,
          sqliteBatch64: sql.batch64RowsPerSec!,
          sqliteBatch64WithLog: sql.batch64WithLogPerSec!,
        };
      },
    }));
  const ceiling = await part(
    "POST generator against the bare server",
    () => measureGeneratorCeiling(workloads.edFresh, empty.createdBytes, plan.postSeconds),
  );
  const leastWork = await part(
    "POST ed25519 fresh against the least-work server",
    () => measureLeastWork(workloads.edFresh, plan.postSeconds),
  );

  // Off, on, on, off: a drift of the machine's speed during the four runs
  // weighs on both settings alike.
  const logCost = await part("POST with the transparency log off, on, on, off", async () => {
    const run = async (label: string, args: string[]) => {
      const db = `${dir}/${label}.db`;
      createDatabase(db, workloads.edLong.prefix);
      return await measurePostsOnly({
        db,
        dir,
        label,
        args,
        workloads,
        postSeconds: plan.postSeconds,
      });
    };
    const off = ["--transparency-log", "false"];
    const first = await run("log-off-1", off);
    const on = [await run("log-on-1", []), await run("log-on-2", [])];
    return { off: [first, await run("log-off-2", off)], on };
  });

  const accessLog = await part(
    `GET head with the access log at ${ACCESS_LOG_ORDER.join(", ")}`,
    () => measureAccessLogCost(emptyDb, empty.getPaths, dir, plan.wrk),
  );

  const postgres: PostgresFigures = flags["no-postgres"]
    ? { ran: false, why: "--no-postgres" }
    : await part("PostgreSQL: limit, 1 server, 2 servers", () =>
      measurePostgres({
        dir,
        workload: workloads.edFresh,
        getChains: plan.getChains,
        wrk: plan.wrk,
        postSeconds: plan.postSeconds,
        limitSeconds: plan.limitSeconds,
        log,
      }));

  let scale: Results["scale"];
  if (flags["db-scale"] !== undefined) {
    const source = flags["db-scale"];
    scale = await part("scale database", async () => {
      const copy = await prepareScaleCopy(
        source,
        `${dir}/scale.db`,
        workloads.edLong.prefix,
        plan.getChains,
      );
      const run = await measureServer({
        db: copy.path,
        dir,
        label: "scale",
        getChains: copy.getPaths,
        workloads,
        wrk: plan.wrk,
        postSeconds: plan.postSeconds,
        log,
      });
      return { source, copy, run };
    });
  }

  const results: Results = {
    plan,
    machine,
    startupMs,
    workloads,
    empty,
    bare: {
      head: bareGets.get("head")!.one,
      chain: bareGets.get("chain")!.one,
      headSent: bareGets.get("head")!.sent,
      chainSent: bareGets.get("chain")!.sent,
      headHeaded: bareGets.get("head")!.headed,
      chainHeaded: bareGets.get("chain")!.headed,
      ...(bareGets.get("head")?.two === undefined
        ? {}
        : { headTwoThreads: bareGets.get("head")!.two! }),
    },
    limits: limits!,
    ceiling,
    leastWork,
    logCost,
    accessLog,
    postgres,
    ...(scale === undefined ? {} : { scale }),
    parts,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const { rows, targets, notes } = buildReport(results);
  report = `${renderTable(rows)}\n\n${renderTargets(targets)}\n\n${renderNotes(notes)}`;
} finally {
  await stopAll();
  await stopPostgres();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  Deno.removeSignalListener("SIGINT", onInterrupt);
}
console.log(report);

if (!flags["load-only"]) {
  console.log("\n`deno bench` micro-benchmarks (tests/bench/protocol_bench.ts):\n");
  const bench = new Deno.Command(Deno.execPath(), {
    args: ["bench", "--allow-all", "tests/bench/protocol_bench.ts"],
    cwd: new URL("../../../", import.meta.url).pathname,
    stdin: "null",
  }).spawn();
  const status = await bench.status;
  if (!status.success) Deno.exit(status.code);
}
