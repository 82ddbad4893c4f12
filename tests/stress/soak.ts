/**
 * The soak: writers extending chains and readers fetching them, all at once,
 * as fast as the server answers, until a deadline.
 *
 * @module
 */

import { ChainAuthor } from "../support/chain_author.ts";
import { ChainWriter } from "../support/chain_writer.ts";
import { fetchChain } from "../support/stored_chain.ts";
import { LatencyLog } from "./latency.ts";

/** How to soak. */
export interface SoakOptions {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** How long to run. */
  readonly seconds: number;
  /** Concurrent writers; each extends one chain at a time. */
  readonly writers: number;
  /** Concurrent readers. */
  readonly readers: number;
  /** Events per chain before its writer starts a new one. */
  readonly chainLength: number;
}

/** What a soak did. */
export interface SoakResult {
  /** Latency of every request, by kind. */
  readonly latencies: LatencyLog;
  /** Unexpected answers and failed requests, by kind and status or error. */
  readonly errors: Map<string, number>;
  /** The first few unexpected answers, whole. */
  readonly errorSamples: string[];
  /** Every chain written. */
  readonly chains: ChainWriter[];
  /** How long the load actually ran, seconds. */
  readonly seconds: number;
}

/** The longest any one request may take: a stuck request is an error, not a hung soak. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Runs the soak.
 *
 * @param options what to run
 * @returns the latencies, errors and chains
 *
 * @example
 * ```ts ignore
 * const result = await soak({ base, seconds: 60, writers: 8, readers: 8, chainLength: 200 });
 * ```
 */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  const latencies = new LatencyLog();
  const errors = new Map<string, number>();
  const errorSamples: string[] = [];
  const chains: ChainWriter[] = [];
  const error = (kind: string, what: string, detail: string) => {
    const key = `${kind}: ${what}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
    if (errorSamples.length < 10) errorSamples.push(`${key}: ${detail.slice(0, 300)}`);
  };
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const writer = async (n: number) => {
    const fresh = () => {
      const w = new ChainWriter(
        n % 4 === 3 ? new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs") : new ChainAuthor(),
      );
      chains.push(w);
      return w;
    };
    let w = fresh();
    while (performance.now() < deadline) {
      if (w.acknowledged.length >= options.chainLength) w = fresh();
      const event = w.nextEvent();
      const t0 = performance.now();
      const outcome = await w.post(options.base, event, REQUEST_TIMEOUT_MS);
      latencies.record("POST event", performance.now() - t0);
      if (outcome.kind === "lost") error("POST event", "no answer", outcome.error);
      else if (outcome.kind === "refused") {
        error("POST event", String(outcome.status), outcome.code);
      }
    }
  };

  const reader = async (n: number) => {
    let i = n;
    while (performance.now() < deadline) {
      i++;
      const ready = chains.filter((c) => c.acknowledged.length > 0);
      if (ready.length === 0) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const chain = ready[(i * 7919) % ready.length]!;
      const known = chain.acknowledged.length;
      const roll = (i * 37) % 100;
      let kind: string, path: string;
      const headers: Record<string, string> = {};
      const ok = [200];
      if (roll < 40) {
        [kind, path] = ["GET head", `/v1/sigchains/${chain.path}/head`];
      } else if (roll < 65) {
        [kind, path] = [
          "GET ?after",
          `/v1/sigchains/${chain.path}?after=${Math.max(0, known - 3)}`,
        ];
      } else if (roll < 80) {
        [kind, path] = ["GET chain", `/v1/sigchains/${chain.path}`];
      } else if (roll < 95) {
        [kind, path] = ["GET If-None-Match", `/v1/sigchains/${chain.path}`];
        headers["if-none-match"] = `"${chain.acknowledged[known - 1]!.hash}"`;
        ok.push(304); // 200 when the chain grew since.
      } else {
        [kind, path] = ["GET healthz", "/v1/healthz"];
      }
      const t0 = performance.now();
      try {
        const res = await fetch(options.base + path, {
          headers,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await res.arrayBuffer();
        latencies.record(kind, performance.now() - t0);
        if (!ok.includes(res.status)) {
          error(kind, String(res.status), new TextDecoder().decode(body));
        }
      } catch (e) {
        latencies.record(kind, performance.now() - t0);
        error(kind, "no answer", String(e));
      }
    }
  };

  await Promise.all([
    ...Array.from({ length: options.writers }, (_, n) => writer(n)),
    ...Array.from({ length: options.readers }, (_, n) => reader(n)),
  ]);
  return {
    latencies,
    errors,
    errorSamples,
    chains,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Checks every chain on the server after a soak: it verifies from seq 0 and
 * holds exactly what was acknowledged (and, for a request that got no
 * answer, at most that one event more).
 *
 * @param base `http://127.0.0.1:PORT`
 * @param chains the chains written
 * @returns how many events are stored in them
 * @throws {Error} naming the first chain that does not match
 */
export async function verifyChains(base: string, chains: ChainWriter[]): Promise<number> {
  let events = 0;
  for (const w of chains) {
    w.adopt(await fetchChain(base, w.primary));
    events += w.acknowledged.length;
  }
  return events;
}
