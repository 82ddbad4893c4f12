/**
 * The whole HTTP application as one request handler: routing, CORS, error
 * answers and the request log.
 *
 * @module
 */

import type { Logger } from "../log/mod.ts";
import { KezError } from "../protocol/mod.ts";
import type { Store } from "../store/mod.ts";
import { CORS_ORIGIN, errorResponse, type HeaderPairs } from "./responses.ts";
import { route } from "./router.ts";
import { sigchainRoutes } from "./sigchain_routes.ts";

/** What the application needs. */
export interface AppOptions {
  /** Where chains live. */
  readonly store: Store;
  /** Where the request log and errors go. */
  readonly logger: Logger;
}

/** The preflight answer's headers: CORS wide open (spec §6). */
const PREFLIGHT: HeaderPairs = [
  CORS_ORIGIN,
  ["access-control-allow-methods", "GET, HEAD, POST, OPTIONS"],
  ["access-control-allow-headers", "content-type"],
  ["access-control-max-age", "86400"],
];

/** Longest path written to the request log, so a huge URL cannot flood it. */
const LOGGED_PATH_CHARS = 200;

/**
 * Builds the request handler of the server.
 *
 * @param options the store and the logger
 * @returns a handler for `Deno.serve`
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const app = createApp({ store, logger: createLogger("error") });
 * const res = await app(new Request("http://x/v1/healthz"));
 * if (res.status !== 200) throw new Error(String(res.status));
 * await res.body?.cancel();
 * await store.close();
 * ```
 */
export function createApp(options: AppOptions): (req: Request) => Promise<Response> {
  const { store, logger } = options;
  const router = route(sigchainRoutes(store), (req, allow) => {
    if (allow.length === 0) {
      throw new KezError("not_found", `No route for ${new URL(req.url).pathname}`);
    }
    const error = new KezError(
      "method_not_allowed",
      `Method ${req.method} is not allowed here; use ${allow.join(", ")}`,
    );
    return errorResponse(error, logger, [["allow", allow.join(", ")]]);
  });

  return async (req) => {
    const started = performance.now();
    let res: Response;
    try {
      res = req.method === "OPTIONS"
        ? new Response(null, { status: 204, headers: PREFLIGHT })
        : await router(req);
    } catch (e) {
      res = errorResponse(e, logger);
    }
    if (logger.enabled("info")) {
      const path = new URL(req.url).pathname.slice(0, LOGGED_PATH_CHARS);
      const ms = (performance.now() - started).toFixed(1);
      logger.info(`${req.method} ${path} ${res.status} ${ms}ms`);
    }
    return res;
  };
}
