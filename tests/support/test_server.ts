/**
 * Test support: a real server on a free port with a fresh database, and a
 * `fetch` wrapper that always reads the whole answer.
 *
 * @module
 */

import { serve } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { SqliteStore, type SqliteStoreOptions } from "../../lib/store/mod.ts";

/** An answer read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (throws when it is not). */
  json(): unknown;
}

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** The database file. */
  readonly dbPath: string;
  /** Log lines written so far. */
  readonly logs: string[];
  /**
   * Sends a request and reads the whole answer.
   *
   * @param method the HTTP method
   * @param path the path and query, sent as is
   * @param init more request options (body, headers)
   */
  request(method: string, path: string, init?: RequestInit): Promise<Answer>;
}

/**
 * Runs `fn` against a fresh server and database, then stops both.
 *
 * @param fn the test
 * @param options the store's options
 */
export async function withServer(
  fn: (server: TestServer) => Promise<void>,
  options: SqliteStoreOptions = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kez-test-" });
  const dbPath = `${dir}/chains.db`;
  const store = SqliteStore.open(dbPath, options);
  const logs: string[] = [];
  const logger = createLogger("info", (line) => logs.push(line));
  const server = serve({ store, logger, hostname: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const request = async (method: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, { ...init, method });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  try {
    await fn({ base, dbPath, logs, request });
  } finally {
    await server.shutdown();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Sends one request exactly as written, over a plain TCP connection: `fetch`
 * would resolve dot segments in the path before sending it.
 *
 * @param base `http://127.0.0.1:PORT`
 * @param method the HTTP method
 * @param path the request target, sent byte for byte
 * @returns the status, headers and body
 */
export async function rawRequest(base: string, method: string, path: string): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  const raw = await new Response(conn.readable).text();
  const [top = "", text = ""] = raw.split("\r\n\r\n", 2);
  const [statusLine = "", ...fields] = top.split("\r\n");
  const headers = new Headers(fields.map((f) => {
    const colon = f.indexOf(":");
    return [f.slice(0, colon), f.slice(colon + 1).trim()] as [string, string];
  }));
  const status = Number(statusLine.split(" ")[1]);
  return { status, headers, text, json: () => JSON.parse(text) };
}
