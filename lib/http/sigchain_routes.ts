/**
 * The routes of spec §6: health, a chain as JSONL, its head, and appending.
 * Every answer is built with the request's `X-Request-Id` among its headers.
 *
 * @module
 */

import { Appender } from "../append/mod.ts";
import {
  BODY_TIMEOUT_MS,
  KezError,
  MAX_BODY_BYTES,
  parseEventBody,
  type Primary,
} from "../protocol/mod.ts";
import type { Store, StoredChain, StoredHead } from "../store/mod.ts";
import { nativeHashLine } from "../verify/mod.ts";
import { readBody } from "./body.ts";
import { primaryOf } from "./path_primary.ts";
import { etagOf, noneMatch, parseAfter } from "./caching.ts";
import { CHAIN_PARAMETERS, type Operation, ref, STRING } from "./operation.ts";
import { bytesResponse, type HeaderPairs, jsonResponse } from "./responses.ts";
import { type Context, pathPattern, type Route } from "./router.ts";

function notFound(primary: Primary): KezError {
  return new KezError("not_found", `No sigchain for ${primary.text}`);
}

/** The `304`, or the headers a `200` carries, for a chain with this head (§6.2). */
function conditional({ req, headers }: Context, head: StoredHead): Response | HeaderPairs {
  const etag = etagOf(head.hash);
  const cached: HeaderPairs = [...headers, ["etag", etag], ["cache-control", "no-cache"]];
  if (noneMatch(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers: cached });
  }
  return cached;
}

/** The answer of `GET …/head`: the head event, a `304`, or `not_found`. */
function headAnswer(ctx: Context, primary: Primary, head: StoredHead | null): Response {
  if (head === null) throw notFound(primary);
  const headers = conditional(ctx, head);
  if (headers instanceof Response) return headers;
  return bytesResponse(200, head.bytes, "application/json", headers);
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
  for (const [name, value] of headers) fields.set(name, value);
  return res;
}

const POST_DOC: Operation = {
  summary: "Appends the next event after the checks of §5, in their order; " +
    "a read-only mirror (kez-sig-server mirror) answers 503 unavailable naming its upstream",
  parameters: CHAIN_PARAMETERS,
  requestBody: {
    required: true,
    description: "One envelope, at most 65,536 bytes; the request Content-Type is not checked",
    content: { "application/json": { schema: ref("schemas", "Envelope") } },
  },
  ok: [201, "Stored and fsynced", "application/json", ref("schemas", "Appended")],
  errors: [
    "invalid_primary",
    "request_timeout",
    "payload_too_large",
    "invalid_json",
    "invalid_event",
    "wrong_primary",
    "conflict",
    "invalid_signature",
    "invalid_op",
    "unavailable",
  ],
};

/**
 * The routes of the sigchain API, in the order they are tried.
 *
 * @param store where chains live
 * @param mirrorOf the upstream, when this server is its read-only mirror:
 *   then appends throw `unavailable` naming it
 * @param appender where POSTs go; by default one on `store` that checks
 *   signatures in place
 * @param bodyTimeoutMs how long a POST body may take to arrive before its `408`
 * @returns the routes for {@linkcode router}
 *
 * @example
 * ```ts
 * import { sigchainRoutes } from "./sigchain_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * if (sigchainRoutes(store).length !== 4) throw new Error("four routes");
 * const post = sigchainRoutes(store, "https://kez.example").find((r) => r.method === "POST")!;
 * const ctx = { req: new Request("http://x/"), params: {}, search: "", headers: [] };
 * const refused = await Promise.resolve(post.handler(ctx)).catch((e) => e);
 * if (refused.code !== "unavailable" || !refused.message.includes("https://kez.example")) {
 *   throw new Error("a mirror takes no appends");
 * }
 * await store.close();
 * ```
 */
export function sigchainRoutes(
  store: Store,
  mirrorOf?: string,
  appender: Appender = new Appender(store),
  bodyTimeoutMs: number = BODY_TIMEOUT_MS,
): Route[] {
  return [
    {
      method: "GET",
      pattern: pathPattern("/v1/healthz"),
      handler: ({ headers }) => jsonResponse(200, { status: "ok" }, headers),
      doc: {
        summary: "Tells that the server is up",
        ok: [200, "Up", "application/json", ref("schemas", "Health")],
        errors: [],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/sigchains/:scheme/:id"),
      handler: async (ctx) => {
        const primary = primaryOf(ctx.params);
        const { search } = ctx;
        const after = search === "" ? undefined : parseAfter(new URLSearchParams(search));
        const chain = await store.readChain(primary, after === undefined ? {} : { after });
        if (chain === null) throw notFound(primary);
        const headers = conditional(ctx, chain.head);
        if (headers instanceof Response) {
          if (!(chain.jsonl instanceof Uint8Array)) void chain.jsonl.cancel();
          return headers;
        }
        return chainResponse(ctx.req, chain, headers);
      },
      doc: {
        summary: "A chain as JSONL: each event's JCS(envelope) and a newline, in seq order (§6)",
        parameters: [...CHAIN_PARAMETERS, ref("parameters", "After")],
        ok: [200, "The events (after `after`, when given)", "application/jsonl", STRING],
        conditional: true,
        errors: ["invalid_primary", "invalid_query", "not_found", "unavailable"],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/sigchains/:scheme/:id/head"),
      handler: (ctx) => {
        const primary = primaryOf(ctx.params);
        if (store.readHeadNow !== undefined) {
          return headAnswer(ctx, primary, store.readHeadNow(primary));
        }
        return store.readHead(primary).then((head) => headAnswer(ctx, primary, head));
      },
      doc: {
        summary: "The chain's last event, JCS(envelope) without a newline (§6)",
        parameters: CHAIN_PARAMETERS,
        ok: [200, "The head event", "application/json", ref("schemas", "Envelope")],
        conditional: true,
        errors: ["invalid_primary", "not_found", "unavailable"],
      },
    },
    {
      method: "POST",
      pattern: pathPattern("/v1/sigchains/:scheme/:id/events"),
      appends: true,
      handler: async ({ req, params, headers }) => {
        if (mirrorOf !== undefined) {
          throw new KezError(
            "unavailable",
            `This server is a read-only mirror of ${mirrorOf}; publish there`,
          );
        }
        const primary = primaryOf(params);
        const body = await readBody(req, MAX_BODY_BYTES, bodyTimeoutMs);
        const { seq, hash, index } = await appender.append(
          parseEventBody(body, primary, nativeHashLine),
        );
        const created = index === undefined ? { seq, hash } : { seq, hash, index };
        return jsonResponse(201, created, headers);
      },
      doc: POST_DOC,
    },
  ];
}
