/**
 * The {@linkcode Store} on one SQLite file through `node:sqlite`: WAL with
 * `synchronous=FULL`, group commit, and the chains in memory.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  type ChainEvent,
  checkLink,
  checkOp,
  type Envelope,
  type KezError,
  type Op,
  type Primary,
  verifyEventSignatureAsync,
} from "../protocol/mod.ts";
import { BatchTip } from "./batch_tip.ts";
import { ChainCache } from "./chain_cache.ts";
import { ChainState } from "./chain_state.ts";
import { checkSchema, migrate } from "./schema.ts";
import type { AppendResult, ReadChainOptions, Store, StoredChain, StoredHead } from "./store.ts";
import { translate } from "./sqlite_errors.ts";

/** Checks an envelope's signature (§4): null when valid, else the error to answer. */
export type SignatureCheck = (envelope: Envelope) => Promise<KezError | null>;

/** Options of {@linkcode SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process's lock before it answers
   * `unavailable`, in milliseconds. The wait blocks this process, so keep it short.
   */
  readonly busyTimeoutMs?: number;
  /** The memory, roughly, that cached chains may hold; 32 MiB by default. */
  readonly cacheBytes?: number;
  /** How signatures are checked; WebCrypto for Ed25519 by default. */
  readonly checkSignature?: SignatureCheck;
  /**
   * How often, at most, a read asks SQLite whether another connection changed
   * the file, in milliseconds; 25 by default. Asking costs several
   * microseconds, as much as the rest of a cached read. Writes always ask.
   */
  readonly otherWritersCheckMs?: number;
}

interface Row {
  seq: number;
  envelope_json: string;
  envelope_hash: string;
  op: Op;
  subject: string;
}

/** An append waiting for the next commit. */
interface Queued {
  readonly event: ChainEvent;
  readonly signatureError: KezError | null;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Most appends in one transaction. */
const MAX_BATCH = 512;
/** Longest an append waits for others to join its commit, in milliseconds. */
const MAX_WAIT_MS = 2;

function keyOf(primary: string): [scheme: string, id: string] {
  const colon = primary.indexOf(":");
  return [primary.slice(0, colon), primary.slice(colon + 1)];
}

/**
 * A store on one SQLite file with exactly the original server's table.
 *
 * Appends that arrive together are checked in order and committed in one
 * transaction, fsynced once; each resolves only after that commit. Chains are
 * served from memory, updated only after their commit, and dropped whenever
 * another connection has changed the file.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "./sqlite_store.ts";
 * import { parsePrimary } from "../protocol/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const head = await store.readHead(parsePrimary("ed25519:" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
 * if (head !== null) throw new Error("a new store is empty");
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  #db: DatabaseSync;
  #chain: StatementSync;
  #insert: StatementSync;
  #dataVersion: StatementSync;
  #lastVersion: number;
  #lastVersionCheck = 0;
  #versionCheckMs: number;
  #cache: ChainCache;
  #checkSignature: SignatureCheck;
  #queue: Queued[] = [];
  #verifying = 0;
  #flushNow = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(db: DatabaseSync, options: SqliteStoreOptions) {
    this.#db = db;
    this.#chain = db.prepare(
      `SELECT seq, envelope_json, envelope_hash,
              json_extract(envelope_json, '$.payload.op') AS op,
              json_extract(envelope_json, '$.payload.payload.subject') AS subject
       FROM sigchain_events WHERE primary_scheme = ? AND primary_id = ? ORDER BY seq`,
    );
    this.#insert = db.prepare(
      `INSERT INTO sigchain_events
       (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#dataVersion = db.prepare("PRAGMA data_version");
    this.#lastVersion = this.#version();
    this.#versionCheckMs = options.otherWritersCheckMs ?? 25;
    this.#cache = new ChainCache(options.cacheBytes ?? 32 * 1024 * 1024);
    this.#checkSignature = options.checkSignature ?? verifyEventSignatureAsync;
  }

  /**
   * Opens (creating if missing) a database file, checks that it is one this
   * server may use, and brings its schema up to date. A file that fails the
   * checks is left untouched.
   *
   * @param path the file, or `":memory:"`
   * @param options tuning
   * @returns the open store
   * @throws {Error} when the file cannot be opened, is not SQLite, or has a table of another shape
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new DatabaseSync(path);
    try {
      checkSchema(db);
      db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 1000}`);
      db.exec("PRAGMA journal_mode = WAL");
      // FULL: a commit is fsynced before it returns, so a 201 survives power loss (§5).
      db.exec("PRAGMA synchronous = FULL");
      migrate(db);
      return new SqliteStore(db, options);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** @inheritdoc */
  async append(event: ChainEvent): Promise<AppendResult> {
    // Checked before queueing, so that signatures are verified concurrently,
    // off this thread; the verdict counts only in its place in §5's order.
    this.#verifying++;
    let signatureError: KezError | null;
    try {
      signatureError = await this.#checkSignature(event.envelope);
    } finally {
      this.#verifying--;
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, signatureError, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /**
   * Commits soon, but not before the appends being verified right now have
   * joined the queue: one fsync then serves them all. A short timer bounds
   * the wait under a steady stream.
   */
  #scheduleFlush(): void {
    const ready = this.#verifying === 0 || this.#queue.length >= MAX_BATCH;
    if (ready && !this.#flushNow) {
      this.#flushNow = true;
      setTimeout(() => this.#flush(), 0);
    } else if (!ready && this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => this.#flush(), MAX_WAIT_MS);
    }
  }

  /** Checks and commits every queued append in one transaction. */
  #flush(): void {
    this.#flushNow = false;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const accepted: { item: Queued; tip: BatchTip; key: string }[] = [];
    const tips = new Map<string, BatchTip>();
    try {
      // IMMEDIATE takes the write lock before anything is read, so no other
      // process can change a chain between its check and its insert.
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (e) {
      const error = translate(e);
      for (const item of batch) item.reject(error);
      return;
    }
    try {
      this.#noticeOtherWriters();
      const now = new Date().toISOString();
      for (const item of batch) {
        const { envelope, line, hash } = item.event;
        const { primary, seq, op, payload } = envelope.payload;
        let tip = tips.get(primary);
        if (tip === undefined) {
          tip = new BatchTip(this.#state(primary));
          tips.set(primary, tip);
        }
        try {
          checkLink(tip, envelope);
          if (item.signatureError !== null) throw item.signatureError;
          checkOp(tip, envelope);
        } catch (e) {
          item.reject(e);
          continue;
        }
        this.#insert.run(...keyOf(primary), seq, line, hash, now);
        tip.push({ line, hash, op, subject: payload.subject });
        accepted.push({ item, tip, key: primary });
      }
      this.#db.exec("COMMIT");
    } catch (e) {
      this.#rollback();
      // The file may hold what we did not expect; read it afresh from now on.
      this.#cache.clear();
      const error = translate(e);
      // Those that failed their checks are settled already; this settles the rest.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const [key, tip] of tips) {
      if (tip.pending.length === 0) continue;
      for (const event of tip.pending) tip.base.push(event);
      this.#cache.put(key, tip.base);
    }
    for (const { item } of accepted) {
      const { seq } = item.event.envelope.payload;
      item.resolve({ seq, hash: item.event.hash });
    }
  }

  #rollback(): void {
    try {
      this.#db.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing is left to undo.
    }
  }

  #version(): number {
    return (this.#dataVersion.get() as { data_version: number }).data_version;
  }

  /** Drops every cached chain when another connection committed since we last looked. */
  #noticeOtherWriters(): void {
    this.#lastVersionCheck = performance.now();
    const version = this.#version();
    if (version !== this.#lastVersion) {
      this.#lastVersion = version;
      this.#cache.clear();
    }
  }

  /** A chain's committed state, from the cache or the database. */
  #state(primary: string): ChainState {
    const cached = this.#cache.get(primary);
    if (cached !== undefined) return cached;
    const state = new ChainState();
    // all(), not iterate(): Deno's iterate() ends quietly on an error, which would
    // make a chain look empty.
    for (const row of this.#chain.all(...keyOf(primary)) as unknown as Row[]) {
      state.push({
        line: row.envelope_json,
        hash: row.envelope_hash,
        op: row.op,
        subject: row.subject,
      });
    }
    if (state.length > 0) this.#cache.put(primary, state);
    return state;
  }

  /** @inheritdoc */
  readChain(primary: Primary, options: ReadChainOptions = {}): Promise<StoredChain | null> {
    return this.#read(primary, (state, head) => ({
      head,
      // Clamped: a seq is at most 2^53 - 1, so any larger `after` is past every head.
      jsonl: state.jsonlAfter(Math.min(options.after ?? -1, Number.MAX_SAFE_INTEGER)),
    }));
  }

  /** @inheritdoc */
  readHead(primary: Primary): Promise<StoredHead | null> {
    return this.#read(primary, (_state, head) => head);
  }

  #read<T>(primary: Primary, pick: (state: ChainState, head: StoredHead) => T): Promise<T | null> {
    try {
      if (performance.now() - this.#lastVersionCheck >= this.#versionCheckMs) {
        this.#noticeOtherWriters();
      }
      const state = this.#state(primary.text);
      if (state.length === 0) return Promise.resolve(null);
      const head = { seq: state.length - 1, hash: state.head!, bytes: state.headBytes() };
      return Promise.resolve(pick(state, head));
    } catch (e) {
      return Promise.reject(translate(e));
    }
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
