/**
 * Test support for mirrors: real upstream and mirror servers on loopback,
 * each with its own SQLite file and log key, and helpers to post events and
 * wait for a mirror to catch up.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { Appender } from "../../lib/append/mod.ts";
import { serve } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { defaultPinPath, Follower, UpstreamPin } from "../../lib/mirror/mod.ts";
import type { Envelope } from "../../lib/protocol/mod.ts";
import { SqliteStore } from "../../lib/store/mod.ts";
import { parseCheckpoint } from "../../lib/tlog/mod.ts";
import type { ChainAuthor } from "../support/chain_author.ts";
import { waitFor } from "../support/wait_for.ts";

/** The upstream log's origin in these tests. */
export const UPSTREAM_ORIGIN = "upstream.test/log";
/** The mirror log's origin in these tests. */
export const MIRROR_ORIGIN = "mirror.test/log";

/** A server on a store of its own, in this process. */
export interface Running {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Its port. */
  readonly port: number;
  /** Its store. */
  readonly store: SqliteStore;
  /** Log lines so far. */
  readonly logs: string[];
  /** Stops serving (and following), then closes the store. */
  close(): Promise<void>;
}

/** A running mirror. */
export interface RunningMirror extends Running {
  /** Its follower. */
  readonly follower: Follower;
}

/**
 * A fresh key seed, the same for every upstream of a test that shares it.
 *
 * @returns 32 random bytes
 */
export function newSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function listen(store: SqliteStore, port: number, mirrorOf?: string) {
  const logs: string[] = [];
  const logger = createLogger("info", (line) => logs.push(line));
  const server = serve({ store, logger, mirrorOf, hostname: "127.0.0.1", port });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return { logs, logger, server, base, port: server.addr.port };
}

/**
 * Starts an upstream server on a database.
 *
 * @param db the database file
 * @param seed the log key's seed
 * @param port the port, 0 for a free one
 * @returns the running server
 */
export function startUpstream(db: string, seed: Uint8Array, port = 0): Running {
  const store = SqliteStore.open(db, { log: { origin: UPSTREAM_ORIGIN, seed } });
  const { logs, server, base, port: bound } = listen(store, port);
  return {
    base,
    port: bound,
    store,
    logs,
    close: async () => {
      await server.shutdown();
      await store.close();
    },
  };
}

/**
 * Starts a mirror of an upstream on a database, as `main.ts mirror` wires it.
 *
 * @param db the mirror's database file; its pin file goes beside it
 * @param upstream the upstream's base URL
 * @param seed the mirror log key's seed
 * @returns the running mirror
 */
export async function startMirror(
  db: string,
  upstream: string,
  seed: Uint8Array,
): Promise<RunningMirror> {
  const store = SqliteStore.open(db, { log: { origin: MIRROR_ORIGIN, seed } });
  const { logs, logger, server, base, port } = listen(store, 0, upstream);
  const appender = new Appender(store);
  const follower = Follower.start({
    store: appender,
    upstream,
    timeoutMs: 2000,
    pin: await UpstreamPin.load(defaultPinPath(db)),
    logger,
    pollMs: 30,
    maxBackoffMs: 200,
  });
  return {
    base,
    port,
    store,
    logs,
    follower,
    close: async () => {
      await server.shutdown();
      await follower.stop();
      await appender.close();
      await store.close();
    },
  };
}

/**
 * Posts an event to a server.
 *
 * @param base the server
 * @param author the chain's author
 * @param env the event
 * @returns the status and the parsed body
 */
export async function post(
  base: string,
  author: ChainAuthor,
  env: Envelope,
): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
    method: "POST",
    body: JSON.stringify(env),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Publishes `count` more events on each chain: chains at once, each chain in order.
 *
 * @param base the server
 * @param authors the chains' authors
 * @param count events per chain
 * @param tag part of each subject, to keep subjects distinct across calls
 */
export async function publish(
  base: string,
  authors: readonly ChainAuthor[],
  count: number,
  tag: string,
): Promise<void> {
  await Promise.all(authors.map(async (author) => {
    for (let i = 0; i < count; i++) {
      const { status } = await post(base, author, author.next("add", `github:${tag}-${i}`));
      if (status !== 201) throw new Error(`publishing ${tag}-${i}: status ${status}`);
    }
  }));
}

/**
 * Reads a text from a server.
 *
 * @param base the server
 * @param path the path and query
 * @returns the status and the body
 */
export async function get(base: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(base + path);
  return { status: res.status, text: await res.text() };
}

/**
 * The size and root of a server's latest checkpoint, read over HTTP.
 *
 * @param base the server
 * @returns the size and the base64 root
 */
export async function treeOf(base: string): Promise<{ size: number; root: string }> {
  const { text } = await get(base, "/v1/log/checkpoint");
  const checkpoint = parseCheckpoint(text.slice(0, text.indexOf("\n\n") + 1));
  return { size: checkpoint.size, root: text.split("\n")[2]! };
}

/**
 * Waits until a mirror's tree has the size of its upstream's, with no halt.
 *
 * @param mirror the mirror
 * @param upstream the upstream
 */
export async function caughtUp(mirror: RunningMirror, upstream: Running): Promise<void> {
  await waitFor(() => {
    if (mirror.follower.halted !== null) throw mirror.follower.halted;
    return mirror.store.log!.checkpoint().size === upstream.store.log!.checkpoint().size;
  }, { what: "the mirror to catch up" });
}

/**
 * Changes a database behind its server's back, on a connection of its own.
 *
 * @param db the database file
 * @param change what to do on the connection
 */
export function tamper(db: string, change: (db: DatabaseSync) => void): void {
  const conn = new DatabaseSync(db);
  try {
    change(conn);
  } finally {
    conn.close();
  }
}
