/**
 * `deno task stress`: a bounded soak of the real server binary on loopback,
 * mixed reads and writes, with figures: errors, p50/p99 latency by kind of
 * request, the server's resident memory over the run, and every chain
 * verified afterwards. Not part of `deno task test`.
 *
 * With `--attackers N`, N hostile clients (tests/stress/attacks.ts) run
 * beside the normal ones; their answers are counted apart, and the normal
 * clients must still see no error.
 *
 * Usage: deno task stress [--seconds 300] [--writers 16] [--readers 16] [--chain-length 200]
 *   [--attackers 0]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { residentKiB } from "../support/process_memory.ts";
import { ServerProcess } from "../support/server_process.ts";
import { integrityCheck } from "../support/sqlite_integrity.ts";
import { describeMachine } from "./machine.ts";
import { cpuSeconds } from "../bench/load/proc.ts";
import { soak, verifyChains } from "./soak.ts";
import { attack, type AttackResult } from "./attacks.ts";

/** How often the server's memory is sampled. */
const SAMPLE_MS = 5_000;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`--${name} must be a positive integer`);
  return n;
}

function mib(kib: number | null): string {
  return kib === null ? "?" : `${(kib / 1024).toFixed(1)} MiB`;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string", default: "300" },
      writers: { type: "string", default: "16" },
      readers: { type: "string", default: "16" },
      "chain-length": { type: "string", default: "200" },
      attackers: { type: "string", default: "0" },
    },
    strict: true,
  });
  const options = {
    seconds: positive("seconds", values.seconds),
    writers: positive("writers", values.writers),
    readers: positive("readers", values.readers),
    chainLength: positive("chain-length", values["chain-length"]),
  };
  const attackers = values.attackers === "0" ? 0 : positive("attackers", values.attackers);
  const machine = describeMachine();
  const dir = await Deno.makeTempDir({ prefix: "kez-stress-" });
  const db = `${dir}/chains.db`;
  let failed = false;
  try {
    await using server = await ServerProcess.start({ db });
    const rss: { at: number; kib: number | null }[] = [{ at: 0, kib: residentKiB(server.pid) }];
    const started = performance.now();
    const cpuAtStart = cpuSeconds(server.pid);
    const ownCpuAtStart = cpuSeconds(Deno.pid);
    const loadAtStart = Deno.loadavg()[0] ?? 0;
    const sampler = setInterval(() => {
      rss.push({ at: (performance.now() - started) / 1000, kib: residentKiB(server.pid) });
    }, SAMPLE_MS);
    console.error(
      `soaking ${server.base} for ${options.seconds} s: ${options.writers} writers, ` +
        `${options.readers} readers, ${options.chainLength} events per chain, ` +
        `${attackers} attackers`,
    );
    let result;
    let attacks: AttackResult | undefined;
    try {
      [result, attacks] = await Promise.all([
        soak({ base: server.base, ...options }),
        attackers === 0 ? undefined : attack(server.base, attackers, options.seconds),
      ]);
    } finally {
      clearInterval(sampler);
    }
    rss.push({ at: result.seconds, kib: residentKiB(server.pid) });
    const cpuAtEnd = cpuSeconds(server.pid);
    const ownCpuAtEnd = cpuSeconds(Deno.pid);
    const ownCores = ownCpuAtStart === undefined || ownCpuAtEnd === undefined
      ? "?"
      : ((ownCpuAtEnd - ownCpuAtStart) / result.seconds).toFixed(2);
    const serverCores = cpuAtStart === undefined || cpuAtEnd === undefined
      ? "?"
      : ((cpuAtEnd - cpuAtStart) / result.seconds).toFixed(2);
    const stored = await verifyChains(server.base, result.chains);
    const integrity = integrityCheck(db).join("; ");
    const dbBytes = await fileSize(db) + await fileSize(`${db}-wal`);
    server.kill("SIGTERM");
    const exit = await server.exited(30_000);

    const requests = result.latencies.kinds.reduce(
      (n, k) => n + result.latencies.summary(k).count,
      0,
    );
    const errorCount = [...result.errors.values()].reduce((a, b) => a + b, 0);
    const kibs = rss.map((s) => s.kib ?? 0);
    const half = rss.filter((s) => s.at >= result.seconds / 2);
    const lines = [
      `## Soak: ${
        result.seconds.toFixed(0)
      } s, ${options.writers} writers + ${options.readers} readers + ${attackers} attackers`,
      "",
      `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Deno ${machine.deno}; ` +
      `load average ${loadAtStart.toFixed(2)} before the run (the machine may be shared)`,
      "",
      "| request | count | per second | p50 | p99 | max |",
      "| ------- | ----: | ---------: | --: | --: | --: |",
      ...result.latencies.kinds.map((kind) => {
        const s = result.latencies.summary(kind);
        return `| ${kind} | ${s.count} | ${(s.count / result.seconds).toFixed(0)} | ` +
          `${s.p50.toFixed(1)} ms | ${s.p99.toFixed(1)} ms | ${s.max.toFixed(0)} ms |`;
      }),
      "",
      `- requests: ${requests} (${
        (requests / result.seconds).toFixed(0)
      }/s); errors: ${errorCount}`,
      `- CPU, in cores on average: server ${serverCores}, load generator ${ownCores}`,
      ...[...result.errors].map(([k, n]) => `  - ${k}: ${n}`),
      ...result.errorSamples.map((s) => `  - e.g. ${s}`),
      `- server RSS: start ${mib(rss[0]!.kib)}, end ${mib(rss.at(-1)!.kib)}, max ${
        mib(Math.max(...kibs))
      }; over the second half ${mib(half[0]?.kib ?? null)} → ${mib(half.at(-1)?.kib ?? null)}`,
      `- RSS samples (s: MiB): ${
        rss.map((s) => `${s.at.toFixed(0)}: ${((s.kib ?? 0) / 1024).toFixed(0)}`).join(", ")
      }`,
      `- chains: ${result.chains.length}; events stored and verified from seq 0: ${stored}`,
      `- database: ${(dbBytes / 1024 / 1024).toFixed(1)} MiB; integrity_check: ${integrity}`,
      `- SIGTERM: exit ${exit.code}`,
      ...(attacks === undefined ? [] : [
        `- attacks: ${[...attacks.counts].map(([k, n]) => `${k} ${n}`).join("; ")}`,
        `- attacks answered otherwise than expected: ${
          attacks.surprises.size === 0
            ? "none"
            : [...attacks.surprises].map(([k, n]) => `${k} (${n})`).join("; ")
        }`,
      ]),
    ];
    console.log(lines.join("\n"));
    failed = errorCount > 0 || integrity !== "ok" || exit.code !== 0 ||
      (attacks?.surprises.size ?? 0) > 0;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  Deno.exit(failed ? 1 : 0);
}
