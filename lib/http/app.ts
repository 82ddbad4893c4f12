/**
 * The whole HTTP application as one request handler: routing, the request's
 * context, CORS, error answers, request ids, metrics and the request log.
 *
 * @module
 */

import type { Appender } from "../append/mod.ts";
import type { Logger } from "../log/mod.ts";
import { type Metrics, VERSION } from "../ops/mod.ts";
import { type ErrorCode, KezError } from "../protocol/mod.ts";
import type { Store, WitnessedNote } from "../store/mod.ts";
import { logRoutes } from "./log_routes.ts";
import { witnessedRoutes } from "./witnessed_route.ts";
import { metricsRoute } from "./metrics_route.ts";
import { openApiRoute } from "./openapi_route.ts";
import { requestIdHeader } from "./request_id.ts";
import { CORS, errorResponse, type HeaderPairs } from "./responses.ts";
import { PREFLIGHT_ROUTE, routeLabel, UNMATCHED_ROUTE } from "./route_label.ts";
import {
  type Context,
  matchPath,
  requestTarget,
  type Route,
  router,
  withoutBody,
} from "./router.ts";
import { sigchainRoutes } from "./sigchain_routes.ts";

/** What the application needs. */
export interface AppOptions {
  /** Where chains live. */
  readonly store: Store;
  /** Where the request log and errors go. */
  readonly logger: Logger;
  /** Counts requests and serves them at `GET /metrics`; without it, neither. */
  readonly metrics?: Metrics | undefined;
  /**
   * The upstream this server mirrors read-only: appends answer `503
   * unavailable` naming it. Without it, appends are taken.
   */
  readonly mirrorOf?: string | undefined;
  /**
   * Where POSTs go: the server's, which checks signatures on its workers.
   * Without it, an appender on `store` that checks them in place.
   */
  readonly appender?: Appender | undefined;
  /** How long a POST body may take to arrive, in milliseconds; `BODY_TIMEOUT_MS` by default. */
  readonly bodyTimeoutMs?: number | undefined;
  /** Reads the latest witnessed checkpoint, with a witness policy; without it, no such route. */
  readonly witnessed?: (() => Promise<WitnessedNote | null>) | undefined;
}

/** The preflight answer's headers beyond the context's: CORS wide open (spec §6, revision 2). */
const PREFLIGHT: HeaderPairs = [
  ["access-control-allow-methods", "GET, HEAD, POST, OPTIONS"],
  ["access-control-allow-headers", "content-type, if-none-match, x-request-id"],
  ["access-control-max-age", "86400"],
];

/**
 * A `Host` field of RFC 9110 §7.2: `uri-host [":" port]`, possibly empty. It
 * is checked because `Deno.serve` builds `req.url` from it unchecked: a Host
 * of `x/metrics?` would put `/metrics` where the request's path belongs.
 */
const VALID_HOST = /^(?:\[[0-9A-Za-z:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** Longest path an error message repeats. */
const SHOWN_PATH_CHARS = 80;

/** Longest path written to the request log, so a huge URL cannot flood it. */
const LOGGED_PATH_CHARS = 200;

/**
 * Every route the application answers, in the order they are tried; the
 * last is the API document, built from all of them.
 *
 * @param options the store and whether metrics are on
 * @returns the routes
 *
 * @example
 * ```ts
 * import { appRoutes } from "./app.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * if (appRoutes({ store, logger: createLogger("error") }).length !== 5) throw new Error("five");
 * await store.close();
 * ```
 */
export function appRoutes(options: AppOptions): Route[] {
  const { store, metrics, mirrorOf, appender, bodyTimeoutMs, witnessed } = options;
  const routes = [
    ...sigchainRoutes(store, mirrorOf, appender, bodyTimeoutMs),
    ...(store.log === undefined ? [] : logRoutes(store, store.log)),
    ...(witnessed === undefined || store.log === undefined
      ? []
      : witnessedRoutes(witnessed, store, store.log)),
    ...(metrics === undefined ? [] : [metricsRoute(metrics)]),
  ];
  return [...routes, openApiRoute(routes, VERSION)];
}

/** A path cut short for a message, so that a 64 KiB URL makes no 64 KiB answer. */
function shown(path: string): string {
  return path.length > SHOWN_PATH_CHARS ? `${path.slice(0, SHOWN_PATH_CHARS - 1)}…` : path;
}

/**
 * Builds the request handler of the server. Every answer, errors included,
 * carries `X-Request-Id` (the client's when valid, else a new one) and CORS:
 * the context's headers, built once per request, which every route's answer
 * starts from.
 *
 * @param options the store, the logger and the metrics
 * @returns a handler for `Deno.serve`
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * const app = createApp({ store, logger: createLogger("error") });
 * const res = await app(new Request("http://x/v1/healthz", { headers: { "x-request-id": "a1" } }));
 * if (res.status !== 200 || res.headers.get("x-request-id") !== "a1") throw new Error("unexpected");
 * if (res.headers.get("access-control-allow-origin") !== "*") throw new Error("CORS");
 * await res.body?.cancel();
 * await store.close();
 * ```
 */
export function createApp(options: AppOptions): (req: Request) => Response | Promise<Response> {
  const { logger, metrics } = options;
  const routes = appRoutes(options);
  const match = router(routes);
  const labels = [...routes.map((r) => routeLabel(r.pattern)), PREFLIGHT_ROUTE, UNMATCHED_ROUTE];
  const preflight = routes.length;
  const unmatched = routes.length + 1;
  const counting = metrics === undefined
    ? null
    : { metrics, series: labels.map((label) => metrics.series(label)) };

  /** Counts and logs an answer: every request's last step, whichever way it was answered. */
  const answered = (
    req: Request,
    headers: HeaderPairs,
    started: number,
    index: number,
    path: string,
    res: Response,
    code: ErrorCode | null,
  ): Response => {
    const ms = performance.now() - started;
    if (counting !== null) {
      counting.series[index]!.observe(req.method, res.status, ms);
      if (index < routes.length && routes[index]!.appends) {
        if (res.status === 201) counting.metrics.appended();
        else counting.metrics.rejected(code ?? `http_${res.status}`);
      }
    }
    if (logger.enabled("info")) {
      logger.request({
        requestId: headers[0]![1],
        method: req.method,
        route: labels[index]!,
        path: path.slice(0, LOGGED_PATH_CHARS),
        status: res.status,
        durationMs: ms,
      });
    }
    return res;
  };

  /** Answers what was thrown while answering, then counts and logs it. */
  const failed = (
    req: Request,
    headers: HeaderPairs,
    started: number,
    index: number,
    path: string,
    e: unknown,
  ): Response => {
    const res = errorResponse(e, logger, headers);
    return answered(
      req,
      headers,
      started,
      index,
      path,
      res,
      e instanceof KezError ? e.code : "internal",
    );
  };

  // Not async: an answer a handler gives at once (a cached read) is returned
  // at once, without the promises an async function adds to every request.
  return (req) => {
    const started = performance.now();
    const headers: HeaderPairs = [requestIdHeader(req), ...CORS];
    let index = unmatched;
    let path = "-";
    try {
      const host = req.headers.get("host");
      if (host !== null && !VALID_HOST.test(host)) {
        throw new KezError(
          "invalid_request",
          `Cannot route request: its Host ${
            JSON.stringify(host.slice(0, 100))
          } is not a host[:port]`,
        );
      }
      // With a bad Host, the URL's path may be a piece of the Host: it is read only now.
      const [target, search] = requestTarget(req.url);
      path = target;
      if (req.method === "OPTIONS") {
        index = preflight;
        const res = new Response(null, { status: 204, headers: [...headers, ...PREFLIGHT] });
        return answered(req, headers, started, index, path, res, null);
      }
      const found = match(req.method, matchPath(target));
      if (found.route === null) {
        if (found.allow.length === 0) {
          throw new KezError("not_found", `No route for ${shown(target)}`);
        }
        headers.push(["allow", found.allow.join(", ")]);
        throw new KezError(
          "method_not_allowed",
          `Method ${req.method} is not allowed here; use ${found.allow.join(", ")}`,
        );
      }
      index = found.index;
      const ctx: Context = { req, params: found.params, search, headers };
      const out = found.route.handler(ctx);
      if (out instanceof Response && req.method !== "HEAD") {
        return answered(req, headers, started, index, path, out, null);
      }
      return Promise.resolve(out)
        .then((res) => req.method === "HEAD" ? withoutBody(res) : res)
        .then(
          (res) => answered(req, headers, started, index, path, res, null),
          (e) => failed(req, headers, started, index, path, e),
        );
    } catch (e) {
      return failed(req, headers, started, index, path, e);
    }
  };
}
