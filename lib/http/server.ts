/**
 * Serving the application on a socket with `Deno.serve`, and going on
 * serving when the listener fails.
 *
 * @module
 */

import { type AppOptions, createApp } from "./app.ts";

/** Where and how to listen. */
export interface ServeOptions extends AppOptions {
  /** The address to bind, e.g. `0.0.0.0` or `::1`. */
  readonly hostname: string;
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** Called once listening, with the bound address. */
  readonly onListen?: (addr: Deno.NetAddr) => void;
  /** How long to wait before listening again after the listener failed; 500 ms by default. */
  readonly relistenMs?: number;
}

/** The least time between two warnings that the listener failed, so that they cannot flood. */
const WARN_EVERY_MS = 60_000;

/**
 * Starts serving. Stop with `server.shutdown()`, which finishes the requests
 * in flight and refuses new ones.
 *
 * When accepting a connection fails, `Deno.serve` closes its listener and
 * rejects `finished`: out of file descriptors (`EMFILE`, say under `ulimit -n`
 * with many idle connections), that would end the server. Here the
 * connections already open go on being served, new ones are refused, and
 * after `relistenMs` the same address is bound again, as often as it takes;
 * a warning says so at most once a minute. `finished` settles only once
 * `shutdown()` was called.
 *
 * @param options the store, logger and address
 * @returns the running server
 * @throws {Deno.errors.AddrInUse} and other listen errors, when the address cannot be bound
 *   at the start
 *
 * @example
 * ```ts
 * import { serve } from "./server.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const server = serve({ store, logger: createLogger("error"), hostname: "127.0.0.1", port: 0 });
 * const res = await fetch(`http://127.0.0.1:${server.addr.port}/v1/healthz`);
 * if ((await res.json()).status !== "ok") throw new Error("not healthy");
 * await server.shutdown();
 * await store.close();
 * ```
 */
export function serve(options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  const handler = createApp(options);
  const { logger } = options;
  const relistenMs = options.relistenMs ?? 500;
  const listen = (port: number, onListen: (addr: Deno.NetAddr) => void) =>
    Deno.serve({ hostname: options.hostname, port, onListen }, handler);

  let current: Deno.HttpServer<Deno.NetAddr> | null = listen(
    options.port,
    options.onListen ?? (() => {}),
  );
  const addr = current.addr;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastWarning = -Infinity;
  let failures = 0;
  const { promise: finished, resolve: done } = Promise.withResolvers<void>();

  const warn = (what: string, error: unknown) => {
    failures++;
    const now = performance.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    logger.warn(
      `Cannot accept connections on ${addr.hostname}:${addr.port}: ${what}: ${String(error)}` +
        ` (${failures} time${failures === 1 ? "" : "s"} so far); the connections open are` +
        ` served, new ones are refused, listening again every ${relistenMs} ms`,
    );
  };
  const relisten = () => {
    timer = undefined;
    if (stopping) return;
    try {
      watch(listen(addr.port, () => {}));
    } catch (e) {
      warn("listening again failed", e);
      timer = setTimeout(relisten, relistenMs);
    }
  };
  const watch = (server: Deno.HttpServer<Deno.NetAddr>) => {
    current = server;
    server.finished.then(
      () => {
        if (stopping) done();
      },
      (e) => {
        if (current === server) current = null;
        if (stopping) return done();
        warn("the listener failed", e);
        timer = setTimeout(relisten, relistenMs);
      },
    );
  };
  watch(current);

  const shutdown = async () => {
    stopping = true;
    clearTimeout(timer);
    if (current === null) return done();
    await current.shutdown().catch(() => {});
    done();
  };
  return {
    addr,
    finished,
    shutdown,
    ref: () => current?.ref(),
    unref: () => current?.unref(),
    [Symbol.asyncDispose]: shutdown,
  };
}
