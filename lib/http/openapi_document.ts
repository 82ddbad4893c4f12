/**
 * The OpenAPI 3.1 description of the HTTP API, built from the route list:
 * each route carries its own operation, so the document describes exactly
 * the routes the server answers.
 *
 * @module
 */

import { ERROR_STATUS } from "../protocol/mod.ts";
import { CACHE_HEADERS, COMMON_HEADERS, COMPONENTS, errorSchema } from "./openapi_components.ts";
import { type Json, type Operation, ref } from "./operation.ts";
import { routeLabel } from "./route_label.ts";
import type { Route } from "./router.ts";

function responses(op: Operation, head: boolean): Record<string, Json> {
  const [status, description, type, schema] = op.ok;
  const headers = op.conditional ? { ...COMMON_HEADERS, ...CACHE_HEADERS } : COMMON_HEADERS;
  const out: Record<string, Json> = {
    [status]: { description, headers, ...(head ? {} : { content: { [type]: { schema } } }) },
  };
  if (op.conditional) {
    out["304"] = { description: "If-None-Match lists the current ETag", headers };
  }
  const byStatus = new Map<number, string[]>();
  for (const code of [...op.errors, "internal" as const]) {
    const at = ERROR_STATUS[code];
    byStatus.set(at, [...byStatus.get(at) ?? [], code]);
  }
  for (const [status, codes] of byStatus) {
    out[status] = {
      description: codes.join(", "),
      headers: COMMON_HEADERS,
      ...(head ? {} : { content: { "application/json": { schema: errorSchema(codes) } } }),
    };
  }
  return out;
}

function operations(op: Operation, method: string): Record<string, Json> {
  const parameters = [
    ...op.parameters ?? [],
    ...(op.conditional ? [ref("parameters", "IfNoneMatch")] : []),
    ref("parameters", "XRequestId"),
  ];
  const base = { summary: op.summary, parameters };
  const out: Record<string, Json> = {
    [method]: {
      ...base,
      ...(op.requestBody ? { requestBody: op.requestBody } : {}),
      responses: responses(op, false),
    },
  };
  // The app answers HEAD on every GET route: the GET's status and headers, no body.
  if (method === "get") out.head = { ...base, responses: responses(op, true) };
  return out;
}

const PREFLIGHT: Json = {
  summary: "CORS preflight; answered on any path",
  responses: { "204": { description: "CORS is open", headers: COMMON_HEADERS } },
};

const DESCRIPTION = "The KEZ sigchain server. A request whose Host is not host[:port] is " +
  "400 invalid_request, before any route. Routing goes path shape first, then method: " +
  "a path no route has is 404 not_found, a known path with another method is " +
  "405 method_not_allowed with Allow, then the primary is checked. Every answer carries " +
  "Access-Control-Allow-Origin: *, Access-Control-Expose-Headers and X-Request-Id.";

/**
 * Builds the OpenAPI document of a route list.
 *
 * @param routes the routes, each with its operation
 * @param version the server's version
 * @returns the document, ready for `JSON.stringify`
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi_document.ts";
 * const routes = [{
 *   method: "GET",
 *   pattern: new URLPattern({ pathname: "/v1/things/:id" }),
 *   handler: () => new Response(),
 *   doc: { summary: "A thing", ok: [200, "It", "text/plain", { type: "string" }], errors: [] },
 * } as const];
 * const doc = openApiDocument(routes, "1.0.0") as { paths: Record<string, { get?: unknown }> };
 * if (doc.paths["/v1/things/{id}"]?.get === undefined) throw new Error("missing");
 * ```
 */
export function openApiDocument(routes: readonly Route[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const item = paths[routeLabel(route.pattern)] ??= { options: PREFLIGHT };
    Object.assign(item, operations(route.doc, route.method.toLowerCase()));
  }
  return {
    openapi: "3.1.0",
    info: { title: "kez-sig-server", version, description: DESCRIPTION },
    paths,
    components: COMPONENTS,
  };
}
