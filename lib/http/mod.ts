/**
 * The HTTP API of spec §6 on `Deno.serve`: a small router, the sigchain
 * routes, body limits, caching headers, the one place errors become
 * answers, request ids, and the metrics and OpenAPI routes.
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
export * from "./metrics_route.ts";
export * from "./openapi_document.ts";
export * from "./openapi_route.ts";
export * from "./operation.ts";
export * from "./request_id.ts";
export * from "./responses.ts";
export * from "./route_label.ts";
export * from "./router.ts";
export * from "./server.ts";
export * from "./sigchain_routes.ts";
export * from "./witnessed_route.ts";
