/**
 * The name of a route in logs, metrics and the OpenAPI document: its path
 * pattern with `{name}` parameters, never the request's own path (which
 * would make the metrics' label values unbounded).
 *
 * @module
 */

/** The label of requests answered by the CORS preflight, on any path. */
export const PREFLIGHT_ROUTE = "*";

/** The label of requests no route took: `404` and `405` answers. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The label of a route pattern.
 *
 * @param pattern the route's pattern
 * @returns its path with `:name` written `{name}`, as OpenAPI writes it
 *
 * @example
 * ```ts
 * import { routeLabel } from "./route_label.ts";
 * const label = routeLabel(new URLPattern({ pathname: "/v1/sigchains/:scheme/:id" }));
 * if (label !== "/v1/sigchains/{scheme}/{id}") throw new Error(label);
 * ```
 */
export function routeLabel(pattern: URLPattern): string {
  return pattern.pathname.replaceAll(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}
