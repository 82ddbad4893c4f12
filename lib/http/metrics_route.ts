/**
 * `GET /metrics`: the metrics in the Prometheus text format.
 *
 * @module
 */

import { type Metrics, METRICS_CONTENT_TYPE } from "../ops/mod.ts";
import { STRING } from "./operation.ts";
import { textResponse } from "./responses.ts";
import { pathPattern, type Route } from "./router.ts";

/**
 * The route that serves metrics.
 *
 * @param metrics the registry
 * @returns the route
 *
 * @example
 * ```ts
 * import { metricsRoute } from "./metrics_route.ts";
 * import { Metrics } from "../ops/mod.ts";
 * const ctx = { req: new Request("http://x/metrics"), params: {}, search: "", headers: [] };
 * const res = await metricsRoute(new Metrics()).handler(ctx);
 * if (!(await res.text()).includes("kez_events_appended_total 0")) throw new Error("unexpected");
 * ```
 */
export function metricsRoute(metrics: Metrics): Route {
  return {
    method: "GET",
    pattern: pathPattern("/metrics"),
    handler: async ({ headers }) =>
      textResponse(200, await metrics.render(), METRICS_CONTENT_TYPE, headers),
    doc: {
      summary: "Metrics in the Prometheus text format; absent with --metrics=false",
      ok: [200, "The metrics", "text/plain; version=0.0.4", STRING],
      errors: [],
    },
  };
}
