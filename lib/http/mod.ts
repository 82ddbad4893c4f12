/**
 * The HTTP API of spec §6 on `Deno.serve`: a small router, the sigchain
 * routes, body limits, caching headers and the one place errors become
 * answers.
 *
 * @example
 * ```ts
 * import { createApp } from "./mod.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const app = createApp({ store, logger: createLogger("error") });
 * const res = await app(new Request("http://x/nowhere"));
 * if (res.status !== 404) throw new Error(String(res.status));
 * await res.body?.cancel();
 * await store.close();
 * ```
 *
 * @module
 */

export * from "./app.ts";
export * from "./body.ts";
export * from "./caching.ts";
export * from "./responses.ts";
export * from "./router.ts";
export * from "./server.ts";
export * from "./sigchain_routes.ts";
