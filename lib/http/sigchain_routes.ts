/**
 * The routes of spec §6: health, a chain as JSONL, its head, and appending.
 * Every answer is built with the request's `X-Request-Id` among its headers.
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
import type { Store, StoredChain, StoredHead } from "../store/mod.ts";
import { readBody } from "./body.ts";
import { etagOf, noneMatch, parseAfter } from "./caching.ts";
import { requestIdHeader } from "./request_id.ts";
import { bytesResponse, CORS, type HeaderPairs, jsonResponse } from "./responses.ts";
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
  const headers: HeaderPairs = [
    ["etag", etag],
    ["cache-control", "no-cache"],
    requestIdHeader(req),
  ];
  if (noneMatch(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers: [...headers, ...CORS] });
  }
  return headers;
}

/**
 * The `200` of a chain's JSONL. Bytes in memory go as they are (`Deno.serve`
 * sets their length); a stream from the store carries the length the store
 * measured, and a `HEAD` cancels it unread, so that its `Content-Length`
 * costs no read of the lines.
 */
function chainResponse(req: Request, chain: StoredChain, headers: HeaderPairs): Response {
  const { jsonl } = chain;
  if (jsonl instanceof Uint8Array) return bytesResponse(200, jsonl, "application/jsonl", headers);
  const head = req.method === "HEAD";
  if (head) void jsonl.cancel();
  const res = new Response(head ? null : jsonl, { status: 200 });
  const fields = res.headers;
  fields.set("content-type", "application/jsonl");
  fields.set("content-length", String(chain.byteLength));
  for (const [name, value] of CORS) fields.set(name, value);
  for (const [name, value] of headers) fields.set(name, value);
  return res;
}

/**
 * The routes of the sigchain API, in the order they are tried.
 *
 * @param store where chains live
 * @param mirrorOf the upstream, when this server is its read-only mirror:
 *   then appends throw `unavailable` naming it
 * @returns the routes for {@linkcode route}
 *
 * @example
 * ```ts
 * import { sigchainRoutes } from "./sigchain_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * if (sigchainRoutes(store).length !== 4) throw new Error("four routes");
 * const post = sigchainRoutes(store, "https://kez.example").find((r) => r.method === "POST")!;
 * const refused = await Promise.resolve(post.handler(new Request("http://x/"), {}, "")).catch((e) => e);
 * if (refused.code !== "unavailable" || !refused.message.includes("https://kez.example")) {
 *   throw new Error("a mirror takes no appends");
 * }
 * await store.close();
 * ```
 */
export function sigchainRoutes(store: Store, mirrorOf?: string): Route[] {
  const path = (pathname: string) => new URLPattern({ pathname });
  return [
    {
      method: "GET",
      pattern: path("/v1/healthz"),
      handler: (req) => jsonResponse(200, { status: "ok" }, [requestIdHeader(req)]),
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
        if (headers instanceof Response) {
          if (!(chain.jsonl instanceof Uint8Array)) void chain.jsonl.cancel();
          return headers;
        }
        return chainResponse(req, chain, headers);
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
        if (mirrorOf !== undefined) {
          throw new KezError(
            "unavailable",
            `This server is a read-only mirror of ${mirrorOf}; publish there`,
          );
        }
        const primary = primaryOf(params);
        const body = await readBody(req);
        const envelope = parseEnvelope(parseJson(body));
        checkPrimary(envelope, primary.text);
        const { seq, hash, index } = await store.append(toChainEvent(envelope));
        const created = index === undefined ? { seq, hash } : { seq, hash, index };
        return jsonResponse(201, created, [requestIdHeader(req)]);
      },
    },
  ];
}
