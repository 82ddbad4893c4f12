/**
 * The {@linkcode Store} on one SQLite file through `node:sqlite`: WAL with
 * `synchronous=FULL`, a batch committed in one transaction (on a writer
 * thread, when asked), chains' tips in memory, and their lines in memory
 * while they are light, streamed from the file once they are not.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { type ChainEvent, type ChainTip, KezError, type Primary } from "../protocol/mod.ts";
import { ChainCache, DEFAULT_CACHE_MB } from "./chain_cache.ts";
import { encodeLines } from "./chain_jsonl.ts";
import { ChainRows } from "./chain_rows.ts";
import { ChainState, JSONL_CACHE_MAX } from "./chain_state.ts";
import { makeDurable } from "./durable_connection.ts";
import { chainStream, checkPage } from "./chain_stream.ts";
import { SubjectSet } from "./chain_subjects.ts";
import { SubjectLookup } from "./subject_lookup.ts";
import {
  type BatchLog,
  type BatchOutcome,
  type BatchWriter,
  type ChainGuard,
  type EventRow,
  InPlaceWriter,
} from "./batch_writer.ts";
import { buildLog, buildSteps } from "./log_build.ts";
import { type LogSigner, LogWriter } from "./log_writer.ts";
import { checkSchema, migrate } from "./schema.ts";
import { SqliteLog } from "./sqlite_log.ts";
import { ThreadWriter } from "./thread_writer.ts";
import type {
  AppendResult,
  Batch,
  ReadChainOptions,
  Store,
  StoredChain,
  StoredHead,
} from "./store.ts";
import { translate } from "./sqlite_errors.ts";

/** Options of {@linkcode SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process's lock before it answers
   * `unavailable`, in milliseconds. The wait blocks this process, so keep it short.
   */
  readonly busyTimeoutMs?: number;
  /** The memory, roughly, that cached chains may hold; {@linkcode DEFAULT_CACHE_MB} MiB by default. */
  readonly cacheBytes?: number;
  /**
   * The largest chain, in JSONL bytes, whose lines are kept in memory;
   * {@linkcode JSONL_CACHE_MAX} (1 MiB) by default, and at most an eighth of
   * `cacheBytes`. A longer chain keeps only its tip in memory and is served
   * from the file.
   */
  readonly cachedChainBytes?: number;
  /**
   * How often, at most, a read asks SQLite whether another connection changed
   * the file, in milliseconds; 25 by default. Asking costs several
   * microseconds, as much as the rest of a cached read. Writes always ask.
   */
  readonly otherWritersCheckMs?: number;
  /**
   * Keep the transparency log of spec §10 with this origin and key: its
   * tables are created, and a file without them gets its log built from the
   * stored events, in rowid order, before the store opens.
   */
  readonly log?: LogSigner;
  /** Told how building the log of a file goes: leaves added so far, of how many. */
  readonly onLogProgress?: (done: number, total: number) => void;
  /**
   * Commit on a thread of its own, so that this thread serves requests while
   * a commit waits for its fsync. Not for `":memory:"`; where the worker
   * module is missing (a single-file bundle), commits happen in place.
   */
  readonly writerThread?: boolean;
}

/** Rows of one query while a chain's state is built: a few hundred KiB. */
const LOAD_ROWS = 512;
/**
 * Rows of one query while a long chain's active subjects are loaded, the
 * event loop getting a turn between queries: a few milliseconds each.
 */
const SUBJECT_ROWS = 2048;
/** Rows of one query while a long answer is measured inside SQLite: about a millisecond each. */
const MEASURE_ROWS = 4096;
/**
 * The longest answer of a long chain read in one go rather than streamed: a
 * poll's `?after=` answer is a few events.
 */
const DIRECT_ROWS = 64;
/** Room in a state's weight for its head line, at most about a body's size. */
const HEAD_LINE_BYTES = 64 * 1024;
const EMPTY = new Uint8Array(0);

function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function headOf(state: ChainState): StoredHead {
  return { seq: state.length - 1, hash: state.head!, bytes: state.headBytes() };
}

function keyOf(primary: string): [scheme: string, id: string] {
  const colon = primary.indexOf(":");
  return [primary.slice(0, colon), primary.slice(colon + 1)];
}

/**
 * A store on one SQLite file with exactly the original server's table.
 *
 * A batch (which the appender checks and gathers) is committed in one
 * transaction, fsynced once. What appends need of a chain (length, head,
 * active subjects) is kept in memory whatever the chain's length; its lines
 * only while they are under `cachedChainBytes`. A longer chain is served by
 * queries bounded by seq, an answer of many events as a stream that reads a
 * page per pull. The memory is updated only after a commit, and dropped
 * whenever another connection has changed the file.
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
  #rows: ChainRows;
  #writer: BatchWriter;
  #writing: Promise<unknown> | null = null;
  #dataVersion: StatementSync;
  #lastVersion: number;
  #lastVersionCheck = 0;
  #versionCheckMs: number;
  #cache: ChainCache;
  #jsonlMax: number;
  #subjectsMax: number;
  /** Loads of active subjects under way, so that appends to one chain share one. */
  #loading = new WeakMap<ChainState, Promise<void>>();
  #log: SqliteLog | undefined;

  private constructor(
    db: DatabaseSync,
    writer: BatchWriter,
    log: SqliteLog | undefined,
    options: SqliteStoreOptions,
  ) {
    this.#db = db;
    this.#log = log;
    this.#rows = new ChainRows(db);
    this.#writer = writer;
    this.#dataVersion = db.prepare("PRAGMA data_version");
    this.#lastVersion = this.#version();
    this.#versionCheckMs = options.otherWritersCheckMs ?? 25;
    const budget = options.cacheBytes ?? DEFAULT_CACHE_MB * 1024 * 1024;
    this.#cache = new ChainCache(budget);
    this.#jsonlMax = Math.min(options.cachedChainBytes ?? JSONL_CACHE_MAX, Math.floor(budget / 8));
    // What the budget leaves once a state's JSONL (its buffer up to twice its
    // bytes as it doubles, and an offset a line) and head line are counted:
    // no state outweighs the budget, so the cache keeps every one it is given.
    this.#subjectsMax = Math.max(0, budget - 3 * this.#jsonlMax - HEAD_LINE_BYTES);
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
      prepare(db, options);
      const busy = options.busyTimeoutMs ?? 1000;
      let log: SqliteLog | undefined;
      let logWriter: LogWriter | undefined;
      if (options.log !== undefined) {
        logWriter = new LogWriter(db, options.log);
        log = new SqliteLog(db, logWriter.key, buildLog(db, logWriter, options.onLogProgress));
      }
      const thread = options.writerThread && path !== ":memory:"
        ? ThreadWriter.start(path, busy, options.log)
        : null;
      return new SqliteStore(db, thread ?? new InPlaceWriter(db, logWriter), log, options);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Opens a store as {@linkcode SqliteStore.open} does, but first builds the
   * log of a file that lacks one (or part of one) a chunk at a time, giving
   * the event loop a turn after each, so that `onLogProgress` can be logged
   * while a large file is being built rather than all at once at the end.
   *
   * @param path the file
   * @param options tuning, with the log's signer
   * @returns the open store
   * @throws {Error} as {@linkcode SqliteStore.open}
   */
  static async openBuilding(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    if (options.log !== undefined && path !== ":memory:") {
      const db = new DatabaseSync(path);
      try {
        prepare(db, options);
        const steps = buildSteps(db, new LogWriter(db, options.log), options.onLogProgress);
        while (!steps.next().done) await new Promise((resolve) => setTimeout(resolve, 0));
      } finally {
        db.close();
      }
    }
    return SqliteStore.open(path, options);
  }

  /** The transparency log, when the store keeps one. */
  get log(): SqliteLog | undefined {
    return this.#log;
  }

  /**
   * How many rows of `sigchain_events` the store has read into memory since
   * it opened: what a request cost the database, which a request served from
   * memory adds nothing to.
   *
   * @example
   * ```ts
   * import { SqliteStore } from "./sqlite_store.ts";
   * import { parsePrimary } from "../protocol/mod.ts";
   * const store = SqliteStore.open(":memory:");
   * await store.readHead(parsePrimary("ed25519:" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
   * if (store.rowsRead !== 0) throw new Error("an empty chain has no rows to read");
   * await store.close();
   * ```
   */
  get rowsRead(): number {
    return this.#rows.rowsRead;
  }

  /**
   * Commits a batch: the appender's `decide` runs here, on this thread,
   * against the chains' cached tips; the picked events go to the writer
   * (this connection or the writer thread) as rows, each chain they extend
   * guarded by the length it had when checked, which the writer compares
   * again under the write lock. Only once that commit is durable do the
   * cached chains take the events and the log its new checkpoint.
   *
   * @param batch the candidate events and the rule that picks them
   * @returns one result per picked event, with its log index when the store keeps a log
   * @throws {KezError} `unavailable` when the file is locked, full or read-only, or
   *   another connection changed a chain of the batch after it was checked
   *
   * @example
   * ```ts
   * import { SqliteStore } from "./sqlite_store.ts";
   * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
   * const store = SqliteStore.open(":memory:");
   * const alg = "ed25519-sha512-jcs";
   * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
   * const results = await store.commit({ events: [event], decide: (tipOf) => tipOf(event.envelope.payload.primary).length === 0 ? [event] : [] });
   * if (results[0]?.seq !== 0) throw new Error("stored");
   * await store.close();
   * ```
   */
  commit(batch: Batch): Promise<readonly AppendResult[]> {
    if (this.#writing !== null) {
      return Promise.reject(new Error("Cannot commit batch: another batch is in flight"));
    }
    const states = new Map<string, ChainState>();
    let picked: readonly ChainEvent[];
    try {
      this.#noticeOtherWriters();
      picked = batch.decide((primary) => {
        let state = states.get(primary);
        if (state === undefined) {
          state = this.#state(primary, false);
          states.set(primary, state);
        }
        return this.#tipOf(primary, state);
      });
    } catch (e) {
      return Promise.reject(translate(e));
    }
    if (picked.length === 0) return Promise.resolve([]);
    const now = new Date().toISOString();
    const rows: EventRow[] = [];
    const extended = new Map<string, ChainState>();
    for (const { envelope, line, hash } of picked) {
      const { primary, seq } = envelope.payload;
      rows.push([...keyOf(primary), seq, line, hash, now]);
      if (!extended.has(primary)) extended.set(primary, states.get(primary)!);
    }
    const guards: ChainGuard[] = [];
    for (const [primary, state] of extended) guards.push([...keyOf(primary), state.length]);
    const writing = this.#writer.write(rows, guards).then((outcome) => {
      this.#writing = null;
      if (!outcome.ok) throw this.#failed(outcome);
      return this.#committed(extended, picked, outcome.log);
    });
    this.#writing = writing;
    return writing;
  }

  /** A batch is durable: the chains take its events, then its results go out. */
  #committed(
    extended: Map<string, ChainState>,
    picked: readonly ChainEvent[],
    log?: BatchLog,
  ): AppendResult[] {
    for (const { envelope, line, hash } of picked) {
      const { primary, op, payload } = envelope.payload;
      extended.get(primary)!.push({ line, hash, op, subject: payload.subject });
    }
    for (const [key, state] of extended) {
      if ((state.subjects?.weight ?? 0) > this.#subjectsMax) {
        state.subjects = this.#lookup(key, state);
      }
      this.#cache.put(key, state);
    }
    // A writer thread's commits are another connection's to ours: not a sign of another writer.
    this.#lastVersion = this.#version();
    if (log === undefined) {
      return picked.map(({ envelope, hash }) => ({ seq: envelope.payload.seq, hash }));
    }
    // The checkpoint first: every event answered is in the tree a client sees next.
    this.#log?.advance(log.checkpoint);
    return picked.map(({ envelope, hash }, i) => ({
      seq: envelope.payload.seq,
      hash,
      index: log.indices[i]!,
    }));
  }

  /** A batch failed whole, nothing of it written: the error its appends get. */
  #failed(outcome: Exclude<BatchOutcome, { ok: true }>): unknown {
    // The file may hold what we did not expect; read it afresh from now on.
    this.#cache.clear();
    return outcome.stale
      ? new KezError("unavailable", "The store changed under the server; retry later", {
        cause: new Error("another connection changed a chain of the batch after it was checked"),
      })
      : translate(outcome.error);
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

  /**
   * Starts loading, off the commit path, the active subjects of the chains of
   * appends whose states lack them, a query at a time, so that a long
   * chain's first append after a start does not block the event loop for
   * the whole chain.
   *
   * @param events events about to join a batch
   * @returns what to wait for, or null when nothing needs loading
   *
   * @example
   * ```ts
   * import { SqliteStore } from "./sqlite_store.ts";
   * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
   * const store = SqliteStore.open(":memory:");
   * const alg = "ed25519-sha512-jcs";
   * const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
   * if (store.preload([event]) !== null) throw new Error("a new chain has nothing to load");
   * await store.close();
   * ```
   */
  preload(events: readonly ChainEvent[]): Promise<unknown> | null {
    let loads: Promise<void>[] | null = null;
    for (const { envelope } of events) {
      // A seq-0 append is stored only on a chain with no events, whose tip the
      // batch's check reads with the others' (a lookup here, after another
      // connection's commit, cost three times as much); on a chain with events
      // it is refused at check 6, before any subject is asked.
      if (envelope.payload.seq === 0) continue;
      let state: ChainState;
      try {
        state = this.#state(envelope.payload.primary, false);
      } catch {
        // The commit's check reads it again and answers the failure.
        continue;
      }
      if (state.subjects !== undefined) continue;
      let load = this.#loading.get(state);
      if (load === undefined) {
        load = this.#loadSubjects(envelope.payload.primary, state);
        this.#loading.set(state, load);
      }
      (loads ??= []).push(load);
    }
    return loads === null ? null : Promise.all(loads);
  }

  async #loadSubjects(primary: string, state: ChainState): Promise<void> {
    try {
      const steps = this.#subjectSteps(primary, state);
      while (!steps.next().done) await turn();
      if (this.#cache.get(primary) === state) this.#cache.put(primary, state);
    } catch {
      // As in preload: the commit loads them in place and answers the failure.
    } finally {
      this.#loading.delete(state);
    }
  }

  /**
   * Loads a chain's active subjects a query at a time, yielding after each,
   * from the rows its state covers; the state's length is read afresh each
   * time, since events committed meanwhile are rows to read too. A set that
   * outgrows its share of the budget gives way to asking the database.
   */
  *#subjectSteps(primary: string, state: ChainState): Generator<void, void> {
    const [scheme, id] = keyOf(primary);
    const subjects = new SubjectSet();
    let done = -1;
    // Another load (the commit's, in place) may finish first: then this one stops.
    while (state.subjects === undefined) {
      const through = state.length - 1;
      if (done === through) {
        state.subjects = subjects;
        return;
      }
      const rows = this.#rows.ops(scheme, id, done, through, SUBJECT_ROWS);
      const last = rows.at(-1);
      if (last === undefined || last.seq !== done + rows.length) throw missing(primary, done + 1);
      for (const row of rows) subjects.apply(row.op, row.subject);
      done = last.seq;
      if (subjects.weight > this.#subjectsMax) {
        state.subjects = this.#lookup(primary, state);
        return;
      }
      yield;
    }
  }

  /** Active subjects asked of the database, up to the state's committed length. */
  #lookup(primary: string, state: ChainState): SubjectLookup {
    const [scheme, id] = keyOf(primary);
    return new SubjectLookup((subject) =>
      this.#rows.latestOp(scheme, id, state.length - 1, subject)
    );
  }

  /**
   * A chain's committed tip for checking appends. Its active subjects load in
   * place when check 9 first asks, which an append refused at check 6 never
   * does: a seq-0 append to a chain that has events (not preloaded) costs the
   * head row alone.
   */
  #tipOf(primary: string, state: ChainState): ChainTip {
    if (state.subjects !== undefined) return state;
    return {
      get length() {
        return state.length;
      },
      get head() {
        return state.head;
      },
      isActive: (subject) => {
        if (state.subjects === undefined) {
          for (const _ of this.#subjectSteps(primary, state));
          this.#cache.put(primary, state);
        }
        return state.isActive(subject);
      },
    };
  }

  /**
   * A chain's committed state, from the cache or the database; empty for no
   * chain. An append needs only the tip; a read also wants the lines of a
   * light chain in memory, and loads those an append's load left unread.
   */
  #state(primary: string, lines: boolean): ChainState {
    const cached = this.#cache.get(primary);
    if (cached !== undefined) {
      return lines && cached.linesUnread ? this.#withLines(primary, cached) : cached;
    }
    const state = this.#load(primary, lines);
    if (state.length > 0) this.#cache.put(primary, state);
    return state;
  }

  /**
   * The state of a chain with its lines read, in place of one loaded for an
   * append; the loaded one when the chain proved heavy, or changed meanwhile
   * (then this read pages from the database, and the next one tries again).
   */
  #withLines(primary: string, tip: ChainState): ChainState {
    const full = this.#load(primary, true);
    if (full.jsonl === undefined) {
      tip.linesTooHeavy();
      return tip;
    }
    if (full.length !== tip.length) return tip;
    this.#cache.put(primary, full);
    return full;
  }

  /**
   * Reads a chain's state: the head row, then, for a chain that may be under
   * the JSONL threshold, every row until the chain proves heavier, which
   * bounds the read by the threshold whatever the chain's length. A heavy
   * chain's state is its head alone, and so is any chain's loaded without
   * its lines; their subjects load when an append needs them.
   */
  #load(primary: string, lines: boolean): ChainState {
    const [scheme, id] = keyOf(primary);
    const head = this.#rows.head(scheme, id);
    if (head === undefined) return new ChainState(this.#jsonlMax);
    // A chain's events are of similar sizes: one whose head says it is well
    // past the threshold is not read from seq 0 to find out.
    const mayBeLight = (head.seq + 1) * (head.envelope_json.length + 1) <= 2 * this.#jsonlMax;
    if (!lines) {
      return ChainState.fromHead(head.seq, head.envelope_hash, head.envelope_json, mayBeLight);
    }
    if (mayBeLight) {
      const state = new ChainState(this.#jsonlMax);
      while (state.jsonl !== undefined) {
        if (state.length > head.seq) return state;
        const after = state.length - 1;
        const rows = this.#rows.events(scheme, id, after, head.seq, LOAD_ROWS);
        if (rows.at(-1)?.seq !== after + rows.length) throw missing(primary, state.length);
        for (const row of rows) {
          state.push({
            line: row.envelope_json,
            hash: row.envelope_hash,
            op: row.op,
            subject: row.subject,
          });
        }
      }
    }
    return ChainState.fromHead(head.seq, head.envelope_hash, head.envelope_json);
  }

  /** A chain's state, after a look for other writers when one is due; with its lines for a read of them. */
  #current(primary: string, lines: boolean): ChainState {
    // While a batch is in flight, a change is most likely its commit, seen
    // before its answer; the next look, after the answer, tells.
    const due = performance.now() - this.#lastVersionCheck >= this.#versionCheckMs;
    if (due && this.#writing === null) this.#noticeOtherWriters();
    return this.#state(primary, lines);
  }

  /** @inheritdoc */
  readChain(primary: Primary, options: ReadChainOptions = {}): Promise<StoredChain | null> {
    let state: ChainState;
    try {
      state = this.#current(primary.text, true);
    } catch (e) {
      return Promise.reject(translate(e));
    }
    if (state.length === 0) return Promise.resolve(null);
    const head = headOf(state);
    // Clamped: a seq is at most 2^53 - 1, so any larger `after` is past every head.
    const after = Math.min(options.after ?? -1, Number.MAX_SAFE_INTEGER);
    let bytes = state.jsonl?.after(after);
    if (bytes === undefined && after >= head.seq) bytes = EMPTY;
    if (bytes === undefined && head.seq - after > DIRECT_ROWS) {
      return this.#streamStored(primary.text, state, head, after).catch((e) => {
        throw translate(e);
      });
    }
    if (bytes === undefined) {
      // A short answer of a chain whose lines are not in memory: one query.
      try {
        const [scheme, id] = keyOf(primary.text);
        const rows = this.#rows.lines(scheme, id, after, head.seq, head.seq - after);
        checkPage(rows, after, head);
        bytes = encodeLines(rows.map((row) => row.envelope_json));
      } catch (e) {
        return Promise.reject(translate(e));
      }
    }
    return Promise.resolve({ head, jsonl: bytes, byteLength: bytes.byteLength });
  }

  /**
   * Streams the events after a seq of a chain whose lines are not in memory,
   * up to the head read, measured first inside SQLite a range at a time.
   */
  async #streamStored(
    primary: string,
    state: ChainState,
    head: StoredHead,
    after: number,
  ): Promise<StoredChain> {
    const [scheme, id] = keyOf(primary);
    const count = head.seq - after;
    let byteLength = after < 0 ? state.byteLength : undefined;
    if (byteLength === undefined) {
      byteLength = 0;
      for (let from = after; from < head.seq; from += MEASURE_ROWS) {
        if (from !== after) await turn();
        byteLength += this.#rows.bytes(scheme, id, from, Math.min(from + MEASURE_ROWS, head.seq));
      }
      if (after < 0) state.knowByteLength(head.seq + 1, byteLength);
    }
    const read = (from: number, limit: number) => {
      try {
        return this.#rows.lines(scheme, id, from, head.seq, limit);
      } catch (e) {
        throw translate(e);
      }
    };
    return { head, jsonl: chainStream(read, after, head, byteLength / count), byteLength };
  }

  /** @inheritdoc */
  readHead(primary: Primary): Promise<StoredHead | null> {
    try {
      return Promise.resolve(this.readHeadNow(primary));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @inheritdoc */
  readHeadNow(primary: Primary): StoredHead | null {
    try {
      const state = this.#current(primary.text, false);
      return state.length === 0 ? null : headOf(state);
    } catch (e) {
      throw translate(e);
    }
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    // A batch in flight is its committer's to answer; the file closes after it.
    while (this.#writing !== null) await this.#writing.catch(() => {});
    await this.#writer.close();
    this.#db.close();
  }
}

function missing(primary: string, seq: number): KezError {
  return new KezError("internal", `Cannot read chain ${primary}: seq ${seq} is missing`);
}

/** Checks a file, then sets the pragmas and creates the missing tables. */
function prepare(db: DatabaseSync, options: SqliteStoreOptions): void {
  checkSchema(db);
  makeDurable(db, options.busyTimeoutMs ?? 1000);
  migrate(db, options.log !== undefined);
}
