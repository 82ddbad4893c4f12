/**
 * The seeding helper (`deno task bench:seed`): builds a database of many
 * valid signed Ed25519 chains quickly, straight into SQLite with the exact
 * §7 schema, for the scale figures of `deno task bench --db-scale FILE`.
 *
 * ```sh
 * deno task bench:seed --db /tmp/kez-1m.db --events 1000000 --chains 100000
 * ```
 *
 * Events are inserted round by round (seq 0 of every chain, then seq 1, …) as
 * if all chains grew at the same time, so a chain's rows are spread over the
 * file as they would be on a live server, not packed together.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { insertEvents, SCHEMA_SQL } from "./db.ts";
import { type BuiltEvent, ChainWriter, checkEvents } from "./events.ts";
import type { PackedRound } from "./seed_worker.ts";
import { ed25519Signer } from "./signers.ts";

/** What to seed. */
export interface SeedOptions {
  /** The database file to create; it must not exist. */
  readonly db: string;
  /** Total events; a multiple of `chains`. */
  readonly events: number;
  /** How many chains, each of `events / chains` events. */
  readonly chains: number;
  /**
   * Signing workers beside the inserting main thread; by default one per core
   * but the main thread's (at least one). 0 signs on the main thread.
   */
  readonly workers?: number;
  /** Progress lines go here. */
  readonly log?: (line: string) => void;
}

/** What seeding did. */
export interface SeedResult {
  /** Rows inserted. */
  readonly events: number;
  /** Wall time, seconds. */
  readonly seconds: number;
  /** The database file's size after seeding, in bytes. */
  readonly bytes: number;
}

/**
 * Creates and fills a database. Durability is off while seeding (a crash
 * leaves a file to delete, nothing more) and the file ends in WAL mode, as
 * the server keeps it.
 *
 * @param options what to seed
 * @returns counts and timing
 * @throws {Error} for bad counts, an existing file, or a built event that fails the protocol check
 */
export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  const { db: path, events, chains } = options;
  const log = options.log ?? (() => {});
  if (!(chains > 0 && events > 0 && events % chains === 0)) {
    throw new Error(`--events (${events}) must be a positive multiple of --chains (${chains})`);
  }
  const perChain = events / chains;
  let exists = true;
  try {
    Deno.statSync(path);
  } catch {
    exists = false;
  }
  if (exists) throw new Error(`${path} exists; seeding only creates a new database`);

  const started = performance.now();
  const db = new DatabaseSync(path);
  const workers = startWorkers(
    chains,
    options.workers ?? Math.max(1, navigator.hardwareConcurrency - 1),
  );
  try {
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    // Random primary ids make index inserts random: keep the hot pages cached.
    db.exec("PRAGMA cache_size = -524288");
    db.exec(SCHEMA_SQL);
    await Promise.all(workers.map((w) => w.ready));
    log(`${chains} keys in ${seconds(started)} s`);
    const first: BuiltEvent[] = [];
    // One round is signed ahead while the previous one is inserted.
    let next = Promise.all(workers.map((w) => w.round()));
    for (let seq = 0; seq < perChain; seq++) {
      const round = (await next).flat();
      if (seq + 1 < perChain) next = Promise.all(workers.map((w) => w.round()));
      first.push(round[0]!);
      checkEvents(round, seq === perChain - 1 ? first : [], 16);
      // Key order within a round: the index B-trees fill ~2× faster than in random order.
      round.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      insertEvents(db, round);
      log(`seq ${seq}: ${(seq + 1) * chains} events in ${seconds(started)} s`);
    }
    db.exec("PRAGMA journal_mode = WAL");
  } finally {
    for (const w of workers) w.terminate();
    db.close();
  }
  return { events, seconds: (performance.now() - started) / 1000, bytes: Deno.statSync(path).size };
}

interface SeedWorker {
  readonly ready: Promise<void>;
  round(): Promise<BuiltEvent[]>;
  terminate(): void;
}

function unpack(round: PackedRound): BuiltEvent[] {
  if (round.ids === "") return [];
  const ids = round.ids.split("\n");
  const lines = round.lines.split("\n");
  const hashes = round.hashes.split("\n");
  return ids.map((id, i) => ({
    scheme: "ed25519",
    id,
    seq: round.seq,
    line: lines[i]!,
    hash: hashes[i]!,
  }));
}

/** Splits the chains over `count` workers, each answering one round per request. */
function startWorkers(chains: number, count: number): SeedWorker[] {
  if (count === 0) {
    // Sign on the main thread, between inserts.
    const writers = Array.from({ length: chains }, () => new ChainWriter(ed25519Signer()));
    return [{
      ready: Promise.resolve(),
      round: () => Promise.resolve(writers.map((w) => w.next())),
      terminate: () => {},
    }];
  }
  return Array.from({ length: count }, (_, i) => {
    const worker = new Worker(new URL("./seed_worker.ts", import.meta.url).href, {
      type: "module",
    });
    const waiting: ((events: BuiltEvent[]) => void)[] = [];
    worker.onmessage = (e: MessageEvent<PackedRound>) => waiting.shift()?.(unpack(e.data));
    const ask = (message: unknown) =>
      new Promise<BuiltEvent[]>((resolve) => {
        waiting.push(resolve);
        worker.postMessage(message);
      });
    const share = Math.floor(chains / count) + (i < chains % count ? 1 : 0);
    return {
      ready: ask({ chains: share }).then(() => {}),
      round: () => ask("next"),
      terminate: () => worker.terminate(),
    };
  });
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      db: { type: "string" },
      events: { type: "string" },
      chains: { type: "string" },
      workers: { type: "string" },
    },
    strict: true,
  });
  if (values.db === undefined) {
    console.error("usage: deno task bench:seed --db FILE [--events 1000000] [--chains 100000]");
    Deno.exit(2);
  }
  const result = await seedDatabase({
    db: values.db,
    events: positiveInt("events", values.events, 1_000_000),
    chains: positiveInt("chains", values.chains, 100_000),
    ...(values.workers === undefined
      ? {}
      : { workers: values.workers === "0" ? 0 : positiveInt("workers", values.workers, 1) }),
    log: (line) => console.error(line),
  });
  const perSec = Math.round(result.events / result.seconds);
  console.log(
    `seeded ${result.events} events in ${result.seconds.toFixed(1)} s (${perSec} events/s); ` +
      `${result.bytes} bytes, ${
        (result.bytes / result.events).toFixed(0)
      } bytes/event: ${values.db}`,
  );
}
