/**
 * `GET /metrics`: the metrics in the Prometheus text format.
 *
 * @module
 */

import { type Metrics, METRICS_CONTENT_TYPE } from "../ops/mod.ts";
import { requestIdHeader } from "./request_id.ts";
import { textResponse } from "./responses.ts";
import type { Route } from "./router.ts";

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
 * const res = await metricsRoute(new Metrics()).handler(new Request("http://x/metrics"), {}, "");
 * if (!(await res.text()).includes("kez_events_appended_total 0")) throw new Error("unexpected");
 * ```
 */
export function metricsRoute(metrics: Metrics): Route {
  return {
    method: "GET",
    pattern: new URLPattern({ pathname: "/metrics" }),
    handler: async (req) =>
      textResponse(200, await metrics.render(), METRICS_CONTENT_TYPE, [requestIdHeader(req)]),
  };
}
