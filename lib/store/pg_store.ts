/**
 * The {@linkcode Store} on PostgreSQL, for several servers on one database:
 * every commit locks the log's state row and the chains' head rows, checks
 * the batch against the tips as they stand under those locks, and extends
 * the one global transparency log in the same transaction. Reads go to the
 * database; nothing of a chain is cached.
 *
 * @module
 */

import type { Sql } from "postgres";
import { connectPg } from "./pg_connect.ts";
import {
  type ChainEvent,
  type ChainTip,
  equalBytes,
  KezError,
  type Primary,
  toHex,
} from "../protocol/mod.ts";
import {
  CompactRange,
  emptyRoot,
  HASH_SIZE,
  leafHash,
  openCheckpoint,
  signCheckpoint,
  type VerifierKey,
  verifierKey,
} from "../tlog/mod.ts";
import { ed25519 } from "@noble/curves/ed25519.js";
import { encodeLines } from "./chain_jsonl.ts";
import type { LogSigner, SignedCheckpoint } from "./log_writer.ts";
import { translatePg } from "./pg_errors.ts";
import { withStoredHashes } from "./pg_hashes.ts";
import { PgLog } from "./pg_log.ts";
import { migratePg } from "./pg_schema.ts";
import type {
  AppendResult,
  Batch,
  ReadChainOptions,
  Store,
  StoredChain,
  StoredHead,
} from "./store.ts";

/** Options of {@linkcode PgStore.open}. */
export interface PgStoreOptions {
  /** The log's origin and key: the same on every server of the database. */
  readonly log: LogSigner;
  /**
   * How often the store reads `kez_log_state` for checkpoints other servers
   * committed, in milliseconds; 100 by default. It bounds how long this
   * server's checkpoint may lag one another server signed; its own commits
   * advance it at once.
   */
  readonly checkpointPollMs?: number;
  /** The most connections the pool opens; 10 by default. */
  readonly maxConnections?: number;
  /** How long a connection attempt may take before it is `unavailable`, in seconds; 5 by default. */
  readonly connectTimeoutS?: number;
}

interface HeadRow {
  seq: number;
  envelope_json: string;
  envelope_hash: string;
}

interface StateRow {
  size: number;
  root: Uint8Array;
  checkpoint: string;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** JSON paths of an event's op and subject, as `ChainRows` reads them in SQLite. */
const OP = "(envelope_json::jsonb -> 'payload' ->> 'op')";
const SUBJECT = "(envelope_json::jsonb -> 'payload' -> 'payload' ->> 'subject')";

function keyOf(primary: string): [scheme: string, id: string] {
  const colon = primary.indexOf(":");
  return [primary.slice(0, colon), primary.slice(colon + 1)];
}

function headOf(row: HeadRow): StoredHead {
  return {
    seq: Number(row.seq),
    hash: row.envelope_hash,
    bytes: encoder.encode(row.envelope_json),
  };
}

/**
 * A store on one PostgreSQL database, shared by any number of servers.
 *
 * A commit is one transaction: `kez_log_state` locked `FOR UPDATE` first
 * (every writer of every server takes it first, so commits are serialized in
 * log order and never deadlock), then each chain's head row `FOR UPDATE`;
 * the batch's tips and active subjects are read under those locks and the
 * appender's `decide` checks against them, so an event checked against a tip
 * another server moved is refused `409 conflict`, never stored twice. The
 * rows, the log's leaves and one signed checkpoint commit together.
 *
 * Reads go to the database and are never older than a commit this server
 * acknowledged. The log's checkpoint is kept in memory: this server's
 * commits advance it at once, other servers' within `checkpointPollMs`.
 *
 * @example
 * ```ts ignore
 * import { PgStore } from "./pg_store.ts";
 * const store = await PgStore.open("postgres://kez@127.0.0.1:5432/kez", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * await store.close();
 * ```
 */
export class PgStore implements Store {
  readonly #sql: Sql;
  readonly #log: PgLog;
  readonly #origin: string;
  readonly #seed: Uint8Array;
  readonly #key: VerifierKey;
  #writing: Promise<unknown> | null = null;
  /** The tree as this server's last commit left it; resumed from the database when another moved it. */
  #range: CompactRange | null = null;
  #poll: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  #closed = false;

  private constructor(sql: Sql, signer: LogSigner, key: VerifierKey, checkpoint: SignedCheckpoint) {
    this.#sql = sql;
    this.#origin = signer.origin;
    this.#seed = signer.seed;
    this.#key = key;
    this.#log = new PgLog(sql, key, checkpoint);
  }

  /**
   * Connects, migrates the schema (once for all servers starting together),
   * creates the empty log's state on a new database, and checks that the
   * database's log is signed by this server's key.
   *
   * @param url the database, `postgres://user[:password]@host[:port]/name`
   * @param options the log's signer and tuning
   * @returns the open store
   * @throws {Error} when the database cannot be reached or migrated, or its log
   *   is signed by another key
   */
  static async open(url: string, options: PgStoreOptions): Promise<PgStore> {
    const sql = connectPg(url, {
      max: options.maxConnections ?? 10,
      connectTimeoutS: options.connectTimeoutS ?? 5,
    });
    try {
      const key = verifierKey(options.log.origin, ed25519.getPublicKey(options.log.seed));
      let checkpoint: SignedCheckpoint | undefined;
      await migratePg(sql, async (tx) => {
        const [state] = await tx<StateRow[]>`SELECT size, root, checkpoint FROM kez_log_state`;
        if (state === undefined) {
          const root = emptyRoot();
          const note = signCheckpoint(
            { origin: options.log.origin, size: 0, root },
            options.log.seed,
          );
          await tx`INSERT INTO kez_log_state (id, size, root, checkpoint)
                   VALUES (1, 0, ${root}, ${note})`;
          checkpoint = { size: 0, root, note };
          return;
        }
        try {
          openCheckpoint(state.checkpoint, key);
        } catch {
          throw new Error(
            `its transparency log (size ${state.size}) is not signed by this server's log key; every server on one database needs the same --log-key`,
          );
        }
        checkpoint = { size: Number(state.size), root: state.root, note: state.checkpoint };
      });
      const store = new PgStore(sql, options.log, key, checkpoint!);
      store.#startPolling(options.checkpointPollMs ?? 100);
      return store;
    } catch (e) {
      await sql.end({ timeout: 1 });
      throw translatePg(e);
    }
  }

  /** The transparency log: one for every server on the database. */
  get log(): PgLog {
    return this.#log;
  }

  #startPolling(ms: number): void {
    this.#poll = setInterval(() => void this.#refresh(), ms);
    Deno.unrefTimer(this.#poll);
  }

  /** Takes the latest checkpoint any server committed; a failure waits for the next poll. */
  async #refresh(): Promise<void> {
    if (this.#polling || this.#closed) return;
    this.#polling = true;
    try {
      const [state] = await this.#sql<StateRow[]>`
        SELECT size, root, checkpoint FROM kez_log_state WHERE id = 1`;
      if (state !== undefined) {
        this.#log.advance({ size: Number(state.size), root: state.root, note: state.checkpoint });
      }
    } catch {
      // The database is away: reads say so themselves; the checkpoint stays the last known.
    } finally {
      this.#polling = false;
    }
  }

  /**
   * Nothing to read ahead: a commit reads its chains' tips under its locks.
   *
   * @param _events events about to join a batch
   * @returns null
   *
   * @example
   * ```ts ignore
   * if (store.preload([]) !== null) throw new Error("nothing to load");
   * ```
   */
  preload(_events: readonly ChainEvent[]): Promise<unknown> | null {
    return null;
  }

  /**
   * Commits a batch in one transaction, as the class describes.
   *
   * @param batch the candidate events and the rule that picks them
   * @returns one result per picked event, with its log index
   * @throws {KezError} `unavailable` when the database cannot be reached or
   *   refuses the work for now; `conflict` when the key's uniqueness caught a
   *   race the locks did not (never expected); then nothing was written
   *
   * @example
   * ```ts ignore
   * const results = await store.commit({ events: [event], decide: (tipOf) => tipOf(primary).length === 0 ? [event] : [] });
   * ```
   */
  commit(batch: Batch): Promise<readonly AppendResult[]> {
    if (this.#writing !== null) {
      return Promise.reject(new Error("Cannot commit batch: another batch is in flight"));
    }
    if (this.#closed) return Promise.reject(new Error("Cannot commit batch: the store is closed"));
    const writing = this.#commit(batch).finally(() => this.#writing = null);
    this.#writing = writing;
    return writing;
  }

  async #commit(batch: Batch): Promise<readonly AppendResult[]> {
    let written: { results: AppendResult[]; checkpoint: SignedCheckpoint } | null;
    try {
      written = await this.#sql.begin((tx) => this.#write(tx as unknown as Sql, batch));
    } catch (e) {
      // The tree in memory may be ahead of what was rolled back.
      this.#range = null;
      throw translatePg(e);
    }
    if (written === null) return [];
    // The checkpoint first: every event answered is in the tree a client sees next.
    this.#log.advance(written.checkpoint);
    return written.results;
  }

  async #write(
    tx: Sql,
    batch: Batch,
  ): Promise<{ results: AppendResult[]; checkpoint: SignedCheckpoint } | null> {
    const primaries = [...new Set(batch.events.map((e) => e.envelope.payload.primary))].sort();
    const keys = primaries.map(keyOf);
    const pairs = new Map<string, [string, string, string]>();
    for (const { envelope } of batch.events) {
      const { primary, payload } = envelope.payload;
      pairs.set(`${primary}\n${payload.subject}`, [...keyOf(primary), payload.subject]);
    }
    const wanted = [...pairs.values()];
    // Sent together, run in order: the lock first, by every writer (the log's
    // order is the commits' order, and no two wait on each other); the reads
    // after it, each statement's snapshot taken once the lock is held.
    const [[state], heads, ops] = await Promise.all([
      tx<StateRow[]>`SELECT size, root, checkpoint FROM kez_log_state WHERE id = 1 FOR UPDATE`,
      tx<{ s: string; i: string; seq: number; envelope_hash: string }[]>`
        SELECT k.s, k.i, h.seq, h.envelope_hash
        FROM unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[]) AS k(s, i)
        CROSS JOIN LATERAL (
          SELECT seq, envelope_hash FROM sigchain_events AS e
          WHERE e.primary_scheme = k.s AND e.primary_id = k.i
          ORDER BY seq DESC LIMIT 1 FOR UPDATE
        ) AS h`,
      tx<{ s: string; i: string; subject: string; op: string | null }[]>`
        SELECT k.s, k.i, k.subject, (
          SELECT ${tx.unsafe(OP)} FROM sigchain_events
          WHERE primary_scheme = k.s AND primary_id = k.i AND ${tx.unsafe(SUBJECT)} = k.subject
          ORDER BY seq DESC LIMIT 1
        ) AS op
        FROM unnest(${wanted.map((w) => w[0])}::text[], ${wanted.map((w) => w[1])}::text[],
                    ${wanted.map((w) => w[2])}::text[]) AS k(s, i, subject)`,
    ]);
    if (state === undefined) throw new Error("Cannot commit batch: the log's state row is missing");
    const tips = new Map<string, { length: number; head: string | null; active: Set<string> }>();
    for (const primary of primaries) {
      tips.set(primary, { length: 0, head: null, active: new Set() });
    }
    for (const row of heads) {
      const tip = tips.get(`${row.s}:${row.i}`)!;
      tip.length = Number(row.seq) + 1;
      tip.head = row.envelope_hash;
    }
    for (const row of ops) {
      if (row.op === "add") tips.get(`${row.s}:${row.i}`)!.active.add(row.subject);
    }
    const picked = batch.decide((primary): ChainTip => {
      const tip = tips.get(primary);
      if (tip === undefined) throw new Error(`Cannot check chain ${primary}: not in the batch`);
      return { length: tip.length, head: tip.head, isActive: (s) => tip.active.has(s) };
    });
    if (picked.length === 0) return null;

    const now = new Date().toISOString();
    const size = Number(state.size);
    const range = await this.#resume(tx, size, state.root);
    const columns = {
      s: [] as string[],
      i: [] as string[],
      seq: [] as number[],
      line: [] as string[],
      hash: [] as string[],
      idx: [] as number[],
      leaf: [] as string[],
      nodes: [] as string[],
    };
    for (const { envelope, line, hash } of picked) {
      const [s, i] = keyOf(envelope.payload.primary);
      columns.s.push(s);
      columns.i.push(i);
      columns.seq.push(envelope.payload.seq);
      columns.line.push(line);
      columns.hash.push(hash);
      columns.idx.push(range.size);
      const [leaf, ...nodes] = range.append(leafHash(encoder.encode(line)));
      const joined = new Uint8Array(nodes.length * HASH_SIZE);
      nodes.forEach((node, n) => joined.set(node.hash, n * HASH_SIZE));
      columns.leaf.push(toHex(leaf!.hash));
      columns.nodes.push(toHex(joined));
    }
    const root = range.root();
    const note = signCheckpoint({ origin: this.#origin, size: range.size, root }, this.#seed);
    // One round trip for the writes, while the lock is held.
    await Promise.all([
      tx`
        INSERT INTO sigchain_events
          (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
        SELECT s, i, q, j, h, ${now}
        FROM unnest(${columns.s}::text[], ${columns.i}::text[], ${columns.seq}::bigint[],
                    ${columns.line}::text[], ${columns.hash}::text[]) AS r(s, i, q, j, h)`,
      tx`
        INSERT INTO kez_log_entries (idx, primary_scheme, primary_id, seq, leaf_hash, nodes, entry)
        SELECT x, s, i, q, decode(l, 'hex'), decode(n, 'hex'), j
        FROM unnest(${columns.idx}::bigint[], ${columns.s}::text[], ${columns.i}::text[],
                    ${columns.seq}::bigint[], ${columns.leaf}::text[], ${columns.nodes}::text[],
                    ${columns.line}::text[]) AS r(x, s, i, q, l, n, j)`,
      tx`UPDATE kez_log_state SET size = ${range.size}, root = ${root}, checkpoint = ${note}
         WHERE id = 1`,
    ]);
    const results = picked.map(({ envelope, hash }, n) => ({
      seq: envelope.payload.seq,
      hash,
      index: columns.idx[n]!,
    }));
    return { results, checkpoint: { size: range.size, root, note } };
  }

  /**
   * The tree of the locked state: this server's own from its last commit,
   * or, when another server committed since, resumed from the stored hashes
   * and checked against the state's root before anything is signed.
   */
  async #resume(tx: Sql, size: number, root: Uint8Array): Promise<CompactRange> {
    const own = this.#range;
    if (own !== null && own.size === size && equalBytes(own.root(), root)) return own;
    const range = await withStoredHashes(tx, (reader) => CompactRange.fromReader(size, reader));
    if (!equalBytes(range.root(), root)) {
      throw new KezError(
        "internal",
        `Cannot extend the log: its stored hashes give another root at size ${size} than its last checkpoint`,
      );
    }
    this.#range = range;
    return range;
  }

  /** @inheritdoc */
  async readChain(primary: Primary, options: ReadChainOptions = {}): Promise<StoredChain | null> {
    const after = Math.min(options.after ?? -1, Number.MAX_SAFE_INTEGER);
    let rows: HeadRow[];
    try {
      // One statement, one snapshot: the lines after `after` and the head they end at.
      rows = await this.#sql<HeadRow[]>`
        SELECT seq, envelope_json, envelope_hash FROM sigchain_events
        WHERE primary_scheme = ${primary.scheme} AND primary_id = ${primary.id}
          AND (seq > ${after} OR seq = (
            SELECT max(seq) FROM sigchain_events
            WHERE primary_scheme = ${primary.scheme} AND primary_id = ${primary.id}))
        ORDER BY seq`;
    } catch (e) {
      throw translatePg(e);
    }
    const last = rows.at(-1);
    if (last === undefined) return null;
    const head = headOf(last);
    const lines = rows.filter((row) => Number(row.seq) > after);
    if (lines.length !== 0 && Number(lines[0]!.seq) !== after + 1) {
      throw new KezError(
        "internal",
        `Cannot read chain ${primary.text}: seq ${after + 1} is missing`,
      );
    }
    const jsonl = lines.length === 0 ? EMPTY : encodeLines(lines.map((row) => row.envelope_json));
    return { head, jsonl, byteLength: jsonl.byteLength };
  }

  /** @inheritdoc */
  async readHead(primary: Primary): Promise<StoredHead | null> {
    try {
      const [row] = await this.#sql<HeadRow[]>`
        SELECT seq, envelope_json, envelope_hash FROM sigchain_events
        WHERE primary_scheme = ${primary.scheme} AND primary_id = ${primary.id}
        ORDER BY seq DESC LIMIT 1`;
      return row === undefined ? null : headOf(row);
    } catch (e) {
      throw translatePg(e);
    }
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    while (this.#writing !== null) await this.#writing.catch(() => {});
    await this.#sql.end({ timeout: 5 });
  }
}
