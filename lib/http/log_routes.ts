/**
 * The transparency log's routes (spec §10.3): checkpoint, key, tiles, entry
 * bundles, the entries feed, proofs, and a tlog-proof for any stored event.
 * Every answer shows the tree of the latest checkpoint and nothing beyond it.
 *
 * @module
 */

import { KezError, type Primary, primaryFromPath } from "../protocol/mod.ts";
import type { Store, TransparencyLog } from "../store/mod.ts";
import {
  availableWidth,
  encodeBase64,
  formatTlogProof,
  parseTilePath,
  TILE_WIDTH,
} from "../tlog/mod.ts";
import { requiredInteger } from "./query.ts";
import { requestIdHeader } from "./request_id.ts";
import { bytesResponse, type HeaderPairs, jsonResponse, textResponse } from "./responses.ts";
import type { Params, Route } from "./router.ts";

const TEXT = "text/plain; charset=utf-8";
const NO_CACHE: [string, string] = ["cache-control", "no-cache"];
const IMMUTABLE: [string, string] = ["cache-control", "public, max-age=31536000, immutable"];
/** Most leaves one page of the entries feed holds. */
const MAX_ENTRIES = 1000;
const SEQ = /^(0|[1-9][0-9]*)$/;

function headers(req: Request, ...more: [string, string][]): HeaderPairs {
  return [...more, requestIdHeader(req)];
}

/** A tlog-proof of one event of a chain, or `not_found`. */
async function eventProof(
  store: Store,
  log: TransparencyLog,
  primary: Primary,
  seq: number | null,
): Promise<string> {
  const head = await store.readHead(primary);
  if (head === null) throw new KezError("not_found", `No sigchain for ${primary.text}`);
  const at = seq ?? head.seq;
  if (at > head.seq) throw new KezError("not_found", `No event ${at} in ${primary.text}`);
  const index = await log.indexOf(primary, at);
  // Read after the index: the tree only grows, so it holds that index.
  const checkpoint = log.checkpoint();
  if (index === null) {
    throw new KezError("not_found", `Event ${at} of ${primary.text} is not in the log yet`);
  }
  const path = await log.inclusionProof(index, checkpoint.size);
  return formatTlogProof({ index, path, checkpoint: checkpoint.note });
}

function seqOf(params: Params): number {
  const text = params.seq ?? "";
  const seq = Number(text);
  if (!SEQ.test(text) || !Number.isSafeInteger(seq)) {
    throw new KezError("not_found", `No event ${JSON.stringify(text.slice(0, 40))}`);
  }
  return seq;
}

/**
 * The routes of the transparency log, in the order they are tried.
 *
 * @param store where chains live, with its log
 * @param log the store's transparency log
 * @returns the routes for {@linkcode route}
 *
 * @example
 * ```ts
 * import { logRoutes } from "./log_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * if (logRoutes(store, store.log!).length !== 8) throw new Error("eight routes");
 * await store.close();
 * ```
 */
export function logRoutes(store: Store, log: TransparencyLog): Route[] {
  const path = (pathname: string) => new URLPattern({ pathname });
  return [
    {
      method: "GET",
      pattern: path("/v1/log/checkpoint"),
      handler: (req) => textResponse(200, log.checkpoint().note, TEXT, headers(req, NO_CACHE)),
    },
    {
      method: "GET",
      pattern: path("/v1/log/key"),
      handler: (req) => textResponse(200, `${log.verifierKey}\n`, TEXT, headers(req)),
    },
    {
      method: "GET",
      pattern: path("/v1/log/tile/*"),
      handler: async (req, params) => {
        const tile = parseTilePath(`tile/${params[0] ?? ""}`);
        if (availableWidth(tile.level, tile.index, log.checkpoint().size) < tile.width) {
          throw new KezError("not_found", "The log has no such tile yet");
        }
        const bytes = await log.tile(tile);
        const cache = tile.width === TILE_WIDTH ? IMMUTABLE : NO_CACHE;
        return bytesResponse(200, bytes, "application/octet-stream", headers(req, cache));
      },
    },
    {
      method: "GET",
      pattern: path("/v1/log/entries"),
      handler: async (req, _params, search) => {
        const q = new URLSearchParams(search);
        const size = log.checkpoint().size;
        const start = requiredInteger(q, "start", 0, size);
        const limit = q.has("limit") ? requiredInteger(q, "limit", 1, MAX_ENTRIES) : MAX_ENTRIES;
        const lines = await log.entries(start, Math.min(size, start + limit));
        const body = lines.map((line) => `${line}\n`).join("");
        return textResponse(200, body, "application/jsonl", headers(req, NO_CACHE));
      },
    },
    {
      method: "GET",
      pattern: path("/v1/log/proof/inclusion"),
      handler: async (req, _params, search) => {
        const q = new URLSearchParams(search);
        const size = requiredInteger(q, "size", 1, log.checkpoint().size);
        const index = requiredInteger(q, "index", 0, size - 1);
        const hashes = (await log.inclusionProof(index, size)).map(encodeBase64);
        return jsonResponse(200, { index, size, hashes }, headers(req, NO_CACHE));
      },
    },
    {
      method: "GET",
      pattern: path("/v1/log/proof/consistency"),
      handler: async (req, _params, search) => {
        const q = new URLSearchParams(search);
        const to = requiredInteger(q, "to", 1, log.checkpoint().size);
        const from = requiredInteger(q, "from", 1, to);
        const hashes = (await log.consistencyProof(from, to)).map(encodeBase64);
        return jsonResponse(200, { from, to, hashes }, headers(req, NO_CACHE));
      },
    },
    {
      method: "GET",
      pattern: path("/v1/sigchains/:scheme/:id/events/:seq/proof"),
      handler: async (req, params) => {
        const primary = primaryFromPath(params.scheme ?? "", params.id ?? "");
        const proof = await eventProof(store, log, primary, seqOf(params));
        return textResponse(200, proof, TEXT, headers(req, NO_CACHE));
      },
    },
    {
      method: "GET",
      pattern: path("/v1/sigchains/:scheme/:id/head/proof"),
      handler: async (req, params) => {
        const primary = primaryFromPath(params.scheme ?? "", params.id ?? "");
        const proof = await eventProof(store, log, primary, null);
        return textResponse(200, proof, TEXT, headers(req, NO_CACHE));
      },
    },
  ];
}
