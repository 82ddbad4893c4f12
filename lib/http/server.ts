/**
 * Serving the application on a socket with `Deno.serve`.
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
}

/**
 * Starts serving. Stop with `server.shutdown()`, which finishes the requests
 * in flight and refuses new ones.
 *
 * @param options the store, logger and address
 * @returns the running server
 * @throws {Deno.errors.AddrInUse} and other listen errors, when the address cannot be bound
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
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: options.onListen ?? (() => {}),
  }, handler);
}
