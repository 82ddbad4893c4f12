/**
 * `GET /v1/openapi.json`: the OpenAPI document of the server's routes,
 * itself included, serialized once.
 *
 * @module
 */

import { openApiDocument } from "./openapi_document.ts";
import type { Operation } from "./operation.ts";
import { bytesResponse } from "./responses.ts";
import { pathPattern, type Route } from "./router.ts";

const DOC: Operation = {
  summary: "This document",
  ok: [200, "OpenAPI 3.1", "application/json", { type: "object" }],
  errors: [],
};

/**
 * The route that serves the OpenAPI document of some routes and of itself.
 *
 * @param routes the other routes
 * @param version the server's version
 * @returns the route
 *
 * @example
 * ```ts
 * import { openApiRoute } from "./openapi_route.ts";
 * const route = openApiRoute([], "1.0.0");
 * const res = await route.handler({ req: new Request("http://x/"), params: {}, search: "", headers: [] });
 * const doc = await res.json();
 * if (doc.openapi !== "3.1.0" || !("/v1/openapi.json" in doc.paths)) throw new Error("unexpected");
 * ```
 */
export function openApiRoute(routes: readonly Route[], version: string): Route {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  const route: Route = {
    method: "GET",
    pattern: pathPattern("/v1/openapi.json"),
    handler: ({ headers }) => {
      bytes ??= new TextEncoder().encode(
        JSON.stringify(openApiDocument([...routes, route], version)),
      );
      return bytesResponse(200, bytes, "application/json", headers);
    },
    doc: DOC,
  };
  return route;
}
