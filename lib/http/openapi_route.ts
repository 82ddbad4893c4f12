/**
 * `GET /v1/openapi.json`: the OpenAPI document, serialized once.
 *
 * @module
 */

import { requestIdHeader } from "./request_id.ts";
import { bytesResponse } from "./responses.ts";
import type { Route } from "./router.ts";

/**
 * The route that serves an OpenAPI document.
 *
 * @param document the document
 * @returns the route
 *
 * @example
 * ```ts
 * import { openApiRoute } from "./openapi_route.ts";
 * const route = openApiRoute({ openapi: "3.1.0" });
 * const res = await route.handler(new Request("http://x/v1/openapi.json"), {}, "");
 * if ((await res.json()).openapi !== "3.1.0") throw new Error("unexpected");
 * ```
 */
export function openApiRoute(document: unknown): Route {
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return {
    method: "GET",
    pattern: new URLPattern({ pathname: "/v1/openapi.json" }),
    handler: (req) => bytesResponse(200, bytes, "application/json", [requestIdHeader(req)]),
  };
}
