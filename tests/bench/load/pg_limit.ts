/**
 * The limit of the PostgreSQL POST figures: raw inserts of what a
 * `PgStore` commit writes, with nothing of the server around them, in a
 * fresh subprocess (this file run with a database URL). Each transaction
 * locks `kez_log_state` `FOR UPDATE`, inserts its `sigchain_events` rows
 * (fresh chains: random primary ids) and their `kez_log_entries` rows with
 * one `unnest` insert each, and updates the state row, the writes pipelined
 * in one round trip as `lib/store/pg_store.ts` sends them; the tables and
 * indexes are `lib/store/pg_schema.ts`'s own. PostgreSQL keeps its default
 * durability (fsync on, `synchronous_commit` on): every commit is flushed.
 * Measured with one row per transaction, then 64.
 *
 * ```sh
 * deno run -A tests/bench/load/pg_limit.ts postgres://kez@127.0.0.1:5432/raw 2
 * ```
 *
 * @module
 */

import { connectPg } from "../../../lib/store/pg_connect.ts";
import { PG_EVENTS_SCHEMA, PG_LOG_SCHEMA } from "../../../lib/store/pg_schema.ts";
import { ChainWriter } from "./events.ts";
import { completedNodes, type ProbeResult } from "./limits.ts";
import { spawn } from "./processes.ts";
import { ed25519Signer } from "./signers.ts";

/** Warm-up before counting, so the JIT, the pool and PostgreSQL's caches are settled. */
const WARM_MS = 300;

/** A signed checkpoint's size, as the state row holds it. */
const CHECKPOINT_BYTES = 160;

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

async function pgBatches(url: string, seconds: number): Promise<ProbeResult> {
  // As PgStore's pool: bigints as numbers.
  const sql = connectPg(url);
  try {
    // The limit of a durable commit: refuse to measure anything less.
    const [settings] = await sql<{ fsync: string; sync: string }[]>`
      SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`;
    if (settings?.fsync !== "on" || settings.sync !== "on") {
      throw new Error(
        `PostgreSQL runs with fsync ${settings?.fsync}, synchronous_commit ${settings?.sync}`,
      );
    }
    await sql.unsafe(PG_EVENTS_SCHEMA + "\n" + PG_LOG_SCHEMA);
    await sql`INSERT INTO kez_log_state (id, size, root, checkpoint)
              VALUES (1, 0, ${new Uint8Array(32)}, ${"x".repeat(CHECKPOINT_BYTES)})`;
    const ev = new ChainWriter(ed25519Signer()).next();
    const note = "x".repeat(CHECKPOINT_BYTES);
    const commit = (batch: number) =>
      sql.begin(async (tx) => {
        const [state] = await tx<{ size: number }[]>`
          SELECT size FROM kez_log_state WHERE id = 1 FOR UPDATE`;
        const size = state!.size;
        const ids: string[] = [];
        const idx: number[] = [];
        const leaves: string[] = [];
        const nodes: string[] = [];
        for (let i = 0; i < batch; i++) {
          ids.push(hex(crypto.getRandomValues(new Uint8Array(32))));
          idx.push(size + i);
          leaves.push(hex(crypto.getRandomValues(new Uint8Array(32))));
          nodes.push(hex(completedNodes(size + i)));
        }
        const schemes = ids.map(() => "ed25519");
        const seqs = ids.map(() => 0);
        const lines = ids.map(() => ev.line);
        const hashes = ids.map(() => ev.hash);
        const now = new Date().toISOString();
        const root = crypto.getRandomValues(new Uint8Array(32));
        await Promise.all([
          tx`
            INSERT INTO sigchain_events
              (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
            SELECT s, i, q, j, h, ${now}
            FROM unnest(${schemes}::text[], ${ids}::text[], ${seqs}::bigint[],
                        ${lines}::text[], ${hashes}::text[]) AS r(s, i, q, j, h)`,
          tx`
            INSERT INTO kez_log_entries (idx, primary_scheme, primary_id, seq, leaf_hash, nodes, entry)
            SELECT x, s, i, q, decode(l, 'hex'), decode(n, 'hex'), j
            FROM unnest(${idx}::bigint[], ${schemes}::text[], ${ids}::text[], ${seqs}::bigint[],
                        ${leaves}::text[], ${nodes}::text[], ${lines}::text[])
                 AS r(x, s, i, q, l, n, j)`,
          tx`UPDATE kez_log_state SET size = ${size + batch}, root = ${root}, checkpoint = ${note}
             WHERE id = 1`,
        ]);
      });
    const run = async (ms: number, batch: number) => {
      const end = performance.now() + ms;
      let rows = 0;
      while (performance.now() < end) {
        await commit(batch);
        rows += batch;
      }
      return rows;
    };
    const measure = async (batch: number) => {
      await run(WARM_MS, batch);
      const started = performance.now();
      const rows = await run((seconds * 1000) / 2, batch);
      return rows / ((performance.now() - started) / 1000);
    };
    return { oneRowPerTxPerSec: await measure(1), batch64RowsPerSec: await measure(64) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Runs the probe in a fresh subprocess.
 *
 * @param url an empty database
 * @param seconds how long it counts, split between its two figures
 * @returns rows per second with 1 and 64 rows per transaction
 * @throws {Error} when the subprocess fails
 */
export async function measurePgLimit(url: string, seconds: number): Promise<ProbeResult> {
  const child = spawn("limit probe pg-batch", Deno.execPath(), [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    url,
    String(seconds),
  ], "piped");
  const out = await new Response(child.stdout).text();
  const status = await child.status;
  if (!status.success) throw new Error(`limit probe pg-batch failed (exit ${status.code})`);
  return JSON.parse(out) as ProbeResult;
}

if (import.meta.main) {
  const [url, seconds = "2"] = Deno.args;
  if (url === undefined) throw new Error("usage: pg_limit.ts URL [SECONDS]");
  console.log(JSON.stringify(await pgBatches(url, Number(seconds))));
}
