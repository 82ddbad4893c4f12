/**
 * The routes of spec §6: health, a chain as JSONL, its head, and appending.
 *
 * @module
 */

import {
  checkPrimary,
  KezError,
  parseEnvelope,
  parseJson,
  type Primary,
  primaryFromPath,
  toChainEvent,
} from "../protocol/mod.ts";
import type { Store, StoredHead } from "../store/mod.ts";
import { readBody } from "./body.ts";
import { etagOf, noneMatch, parseAfter } from "./caching.ts";
import { bytesResponse, CORS_ORIGIN, type HeaderPairs, jsonResponse } from "./responses.ts";
import type { Params, Route } from "./router.ts";

function primaryOf(params: Params): Primary {
  return primaryFromPath(params.scheme ?? "", params.id ?? "");
}

function notFound(primary: Primary): KezError {
  return new KezError("not_found", `No sigchain for ${primary.text}`);
}

/** The `304`, or the headers a `200` carries, for a chain with this head (§6.2). */
function conditional(req: Request, head: StoredHead): Response | HeaderPairs {
  const etag = etagOf(head.hash);
  const headers: HeaderPairs = [["etag", etag], ["cache-control", "no-cache"]];
  if (noneMatch(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers: [...headers, CORS_ORIGIN] });
  }
  return headers;
}

/**
 * The routes of the sigchain API, in the order they are tried.
 *
 * @param store where chains live
 * @returns the routes for {@linkcode route}
 *
 * @example
 * ```ts
 * import { sigchainRoutes } from "./sigchain_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * if (sigchainRoutes(store).length !== 4) throw new Error("four routes");
 * await store.close();
 * ```
 */
export function sigchainRoutes(store: Store): Route[] {
  const path = (pathname: string) => new URLPattern({ pathname });
  return [
    {
      method: "GET",
      pattern: path("/v1/healthz"),
      handler: () => jsonResponse(200, { status: "ok" }),
    },
    {
      method: "GET",
      pattern: path("/v1/sigchains/:scheme/:id"),
      handler: async (req, params, search) => {
        const primary = primaryOf(params);
        const after = search === "" ? undefined : parseAfter(new URLSearchParams(search));
        const chain = await store.readChain(primary, after === undefined ? {} : { after });
        if (chain === null) throw notFound(primary);
        const headers = conditional(req, chain.head);
        if (headers instanceof Response) return headers;
        return bytesResponse(200, chain.jsonl, "application/jsonl", headers);
      },
    },
    {
      method: "GET",
      pattern: path("/v1/sigchains/:scheme/:id/head"),
      handler: async (req, params) => {
        const primary = primaryOf(params);
        const head = await store.readHead(primary);
        if (head === null) throw notFound(primary);
        const headers = conditional(req, head);
        if (headers instanceof Response) return headers;
        return bytesResponse(200, head.bytes, "application/json", headers);
      },
    },
    {
      method: "POST",
      pattern: path("/v1/sigchains/:scheme/:id/events"),
      handler: async (req, params) => {
        const primary = primaryOf(params);
        const envelope = parseEnvelope(parseJson(await readBody(req)));
        checkPrimary(envelope, primary.text);
        const { seq, hash } = await store.append(toChainEvent(envelope));
        return jsonResponse(201, { seq, hash });
      },
    },
  ];
}
