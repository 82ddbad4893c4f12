/**
 * The limits the POST figures are compared with, measured in the same run,
 * each in a fresh subprocess (this file run with a probe's name) so that no
 * probe inherits another's heap, JIT state or threads:
 *
 * - `webcrypto-ed25519`: `crypto.subtle.verify` Ed25519 verifies/s with 64
 *   in flight, the key imported once (WebCrypto runs them on both cores);
 * - `noble-bip340`: `schnorr.verify` of `@noble/curves` on one thread;
 * - `sqlite-full`: raw `node:sqlite` inserts of §7-shaped rows of fresh
 *   chains (random primary ids) in WAL mode with `synchronous=FULL`, one row
 *   per transaction and 64 per transaction; and 64 per transaction with the
 *   rows the transparency log adds to each (a `kez_log_entries` row per
 *   event, the `kez_log_state` row per batch, in the server's own log
 *   schema), the limit of a POST with the log on.
 *
 * ```sh
 * deno run -A tests/bench/load/limits.ts webcrypto-ed25519 3 /tmp
 * ```
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { schnorr } from "@noble/curves/secp256k1.js";
import { LOG_SCHEMA } from "../../../lib/store/schema.ts";
import { makeDurable } from "../../../lib/store/durable_connection.ts";
import { INSERT_SQL, SCHEMA_SQL } from "./db.ts";
import { ChainWriter } from "./events.ts";
import { spawn } from "./processes.ts";
import { ed25519Signer } from "./signers.ts";

/** The probes, by name. */
export type Probe = "webcrypto-ed25519" | "noble-bip340" | "sqlite-full";

/** A probe's figures, per second, by what was counted. */
export type ProbeResult = Record<string, number>;

/** Warm-up before counting, so the JIT and caches are settled. */
const WARM_MS = 300;

/** The size of a real event's signed payload, `JCS(payload)` of a seq > 0 event. */
const MESSAGE_BYTES = 330;

/** A signed checkpoint's size: origin, size and root lines, a blank line, one signature line. */
const CHECKPOINT_BYTES = 160;

/**
 * The subtree hashes leaf `index` completes, levels 1 and up: one per
 * trailing 1 bit of its index, as the log stores them beside the leaf.
 *
 * @param index the leaf's index
 * @returns 32 bytes per completed subtree
 */
export function completedNodes(index: number): Uint8Array {
  let levels = 0;
  for (let i = index; i % 2 === 1; i = (i - 1) / 2) levels++;
  return crypto.getRandomValues(new Uint8Array(32 * levels));
}

async function webcryptoEd25519(seconds: number): Promise<ProbeResult> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
  // Imported once and reused, as a server would for a primary it has seen.
  const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  const msg = crypto.getRandomValues(new Uint8Array(MESSAGE_BYTES));
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, msg);
  const inFlight = 64;
  const run = async (ms: number) => {
    const end = performance.now() + ms;
    let count = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        if (!(await crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg))) {
          throw new Error("a valid signature did not verify");
        }
        count++;
      }
    }));
    return count;
  };
  await run(WARM_MS);
  const started = performance.now();
  const count = await run(seconds * 1000);
  return { verifiesPerSec: count / ((performance.now() - started) / 1000) };
}

function nobleBip340(seconds: number): ProbeResult {
  const secret = schnorr.utils.randomSecretKey();
  const pub = schnorr.getPublicKey(secret);
  // BIP-340 signs SHA-256(m): a 32-byte message.
  const msg = crypto.getRandomValues(new Uint8Array(32));
  const sig = schnorr.sign(msg, secret);
  const run = (ms: number) => {
    const end = performance.now() + ms;
    let count = 0;
    while (performance.now() < end) {
      if (!schnorr.verify(sig, msg, pub)) throw new Error("a valid signature did not verify");
      count++;
    }
    return count;
  };
  run(WARM_MS);
  const started = performance.now();
  const count = run(seconds * 1000);
  return { verifiesPerSec: count / ((performance.now() - started) / 1000) };
}

function sqliteFull(seconds: number, dir: string): ProbeResult {
  const path = `${dir}/raw-sqlite-${crypto.randomUUID()}.db`;
  const db = new DatabaseSync(path);
  try {
    // The server's own setting-up, so that the limit commits as durably as it does.
    makeDurable(db, 1000);
    db.exec(SCHEMA_SQL + LOG_SCHEMA);
    const insert = db.prepare(INSERT_SQL);
    const insertEntry = db.prepare(
      "INSERT INTO kez_log_entries (idx, event_rowid, leaf_hash, nodes, entry) VALUES (?, ?, ?, ?, ?)",
    );
    const saveState = db.prepare(
      `INSERT OR REPLACE INTO kez_log_state (id, size, last_event_rowid, root, checkpoint)
       VALUES (1, ?, ?, ?, ?)`,
    );
    // A real event's line and hash; each row gets its own random primary id, as
    // fresh chains do: ids in order would land every insert at one end of the
    // indexes, a page per commit, where a real chain's lands anywhere.
    const ev = new ChainWriter(ed25519Signer()).next();
    const now = new Date().toISOString();
    const key = new Uint8Array(32);
    const note = "x".repeat(CHECKPOINT_BYTES);
    let size = 0;
    const row = (withLog: boolean) => {
      crypto.getRandomValues(key);
      const id = Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");
      const { lastInsertRowid } = insert.run("ed25519", id, 0, ev.line, ev.hash, now);
      if (!withLog) return;
      const leaf = crypto.getRandomValues(new Uint8Array(32));
      insertEntry.run(size, lastInsertRowid, leaf, completedNodes(size), ev.line);
      size++;
      return lastInsertRowid;
    };
    const run = (ms: number, batch: number, withLog: boolean) => {
      const end = performance.now() + ms;
      let rows = 0;
      while (performance.now() < end) {
        db.exec("BEGIN IMMEDIATE");
        let last: number | bigint | undefined;
        for (let i = 0; i < batch; i++) last = row(withLog);
        if (withLog) saveState.run(size, last!, crypto.getRandomValues(new Uint8Array(32)), note);
        db.exec("COMMIT");
        rows += batch;
      }
      return rows;
    };
    const measure = (batch: number, withLog: boolean) => {
      run(WARM_MS, batch, withLog);
      const started = performance.now();
      const rows = run((seconds * 1000) / 3, batch, withLog);
      return rows / ((performance.now() - started) / 1000);
    };
    return {
      oneRowPerTxPerSec: measure(1, false),
      batch64RowsPerSec: measure(64, false),
      batch64WithLogPerSec: measure(64, true),
    };
  } finally {
    db.close();
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        Deno.removeSync(path + suffix);
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Runs a probe in a fresh subprocess.
 *
 * @param probe which limit
 * @param seconds how long it counts (the SQLite probe splits it between its three figures)
 * @param dir a scratch directory (the SQLite probe's database goes there)
 * @returns its figures
 * @throws {Error} when the subprocess fails
 */
export async function measureLimit(
  probe: Probe,
  seconds: number,
  dir: string,
): Promise<ProbeResult> {
  const child = spawn(`limit probe ${probe}`, Deno.execPath(), [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    probe,
    String(seconds),
    dir,
  ], "piped");
  const out = await new Response(child.stdout).text();
  const status = await child.status;
  if (!status.success) throw new Error(`limit probe ${probe} failed (exit ${status.code})`);
  return JSON.parse(out) as ProbeResult;
}

if (import.meta.main) {
  const [probe, seconds = "3", dir = Deno.cwd()] = Deno.args;
  const s = Number(seconds);
  let result: ProbeResult;
  if (probe === "webcrypto-ed25519") result = await webcryptoEd25519(s);
  else if (probe === "noble-bip340") result = nobleBip340(s);
  else if (probe === "sqlite-full") result = sqliteFull(s, dir);
  else throw new Error(`unknown probe ${probe}`);
  console.log(JSON.stringify(result));
}
