/**
 * The transparency log's routes (spec §10.3): checkpoint, key, tiles, entry
 * bundles, the entries feed, proofs, and a tlog-proof for any stored event.
 * Every answer shows the tree of the latest checkpoint and nothing beyond it.
 *
 * @module
 */

import { KezError, MAX_ENTRIES_PAGE, type Primary } from "../protocol/mod.ts";
import type { Store, TransparencyLog } from "../store/mod.ts";
import {
  availableWidth,
  encodeBase64,
  formatTlogProof,
  parseTilePath,
  TILE_WIDTH,
} from "../tlog/mod.ts";
import { CHAIN_PARAMETERS, ref, STRING, TEXT } from "./operation.ts";
import { primaryOf } from "./path_primary.ts";
import { requiredInteger } from "./query.ts";
import { bytesResponse, type HeaderPairs, jsonResponse, textResponse } from "./responses.ts";
import { type Params, pathPattern, type Route } from "./router.ts";

const NO_CACHE: [string, string] = ["cache-control", "no-cache"];
const IMMUTABLE: [string, string] = ["cache-control", "public, max-age=31536000, immutable"];
const SEQ = /^(0|[1-9][0-9]*)$/;

const BYTES = "application/octet-stream";

function and(headers: HeaderPairs, ...more: [string, string][]): HeaderPairs {
  return [...headers, ...more];
}

/** A checkpoint a tlog-proof is made against: its tree size and its note. */
export interface ProofCheckpoint {
  /** The tree size it signs. */
  readonly size: number;
  /** The note, with its signature lines. */
  readonly note: string;
}

/**
 * A tlog-proof of one event of a chain: the event's inclusion in a
 * checkpoint, by default the log's latest.
 *
 * @param store where chains live
 * @param log the store's transparency log
 * @param primary the chain
 * @param seq the event, or null for the chain's head
 * @param against reads the checkpoint to prove in, or null when there is none yet
 * @returns the C2SP tlog-proof text
 * @throws {KezError} `not_found` for no such chain or event, an event the log
 *   or the checkpoint does not hold yet, or no checkpoint
 *
 * @example
 * ```ts
 * import { eventProof } from "./log_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { parsePrimary } from "../protocol/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * const primary = parsePrimary("ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
 * const refused = await eventProof(store, store.log!, primary, null).catch((e) => e.code);
 * await store.close();
 * if (refused !== "not_found") throw new Error("no such chain");
 * ```
 */
export async function eventProof(
  store: Store,
  log: TransparencyLog,
  primary: Primary,
  seq: number | null,
  against: () => Promise<ProofCheckpoint | null> = () => Promise.resolve(log.checkpoint()),
): Promise<string> {
  const head = await store.readHead(primary);
  if (head === null) throw new KezError("not_found", `No sigchain for ${primary.text}`);
  const at = seq ?? head.seq;
  if (at > head.seq) throw new KezError("not_found", `No event ${at} in ${primary.text}`);
  const index = await log.indexOf(primary, at);
  // Read after the index: the tree only grows, so the latest checkpoint holds that index.
  const checkpoint = await against();
  if (index === null) {
    throw new KezError("not_found", `Event ${at} of ${primary.text} is not in the log yet`);
  }
  if (checkpoint === null || index >= checkpoint.size) {
    throw new KezError(
      "not_found",
      `Event ${at} of ${primary.text} (log index ${index}) is not in the checkpoint yet (size ${
        checkpoint?.size ?? 0
      })`,
    );
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
  return [
    {
      method: "GET",
      pattern: pathPattern("/v1/log/checkpoint"),
      handler: ({ headers }) =>
        textResponse(200, log.checkpoint().note, TEXT, and(headers, NO_CACHE)),
      doc: {
        summary: "The latest signed checkpoint (C2SP tlog-checkpoint in a signed note, §10.2)",
        ok: [200, "The checkpoint; Cache-Control: no-cache", TEXT, STRING],
        errors: [],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/log/key"),
      handler: ({ headers }) => textResponse(200, `${log.verifierKey}\n`, TEXT, headers),
      doc: {
        summary: "The log's verifier key, <origin>+<key ID>+<base64 key>, and a newline",
        ok: [200, "The verifier key", TEXT, STRING],
        errors: [],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/log/tile/*"),
      handler: async ({ params, headers }) => {
        const tile = parseTilePath(`tile/${params[0] ?? ""}`);
        if (availableWidth(tile.level, tile.index, log.checkpoint().size) < tile.width) {
          throw new KezError("not_found", "The log has no such tile yet");
        }
        const bytes = await log.tile(tile);
        const cache = tile.width === TILE_WIDTH ? IMMUTABLE : NO_CACHE;
        return bytesResponse(200, bytes, BYTES, and(headers, cache));
      },
      doc: {
        summary: "C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] hash tiles and " +
          "tile/entries/<N>[.p/<W>] entry bundles (uint16 length, then the line)",
        ok: [200, "Full: Cache-Control immutable; partial: no-cache", BYTES, STRING],
        errors: ["not_found"],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/log/entries"),
      handler: async ({ search, headers }) => {
        const q = new URLSearchParams(search);
        const size = log.checkpoint().size;
        const start = requiredInteger(q, "start", 0, size);
        const limit = q.has("limit")
          ? requiredInteger(q, "limit", 1, MAX_ENTRIES_PAGE)
          : MAX_ENTRIES_PAGE;
        const lines = await log.entries(start, Math.min(size, start + limit));
        const body = lines.map((line) => `${line}\n`).join("");
        return textResponse(200, body, "application/jsonl", and(headers, NO_CACHE));
      },
      doc: {
        summary: "Leaves start … start+limit−1 of the current tree, as JSONL: the feed for mirrors",
        parameters: [ref("parameters", "Start"), ref("parameters", "Limit")],
        ok: [200, "The leaves; empty at the end of the log", "application/jsonl", STRING],
        errors: ["invalid_query", "unavailable"],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/log/proof/inclusion"),
      handler: async ({ search, headers }) => {
        const q = new URLSearchParams(search);
        const size = requiredInteger(q, "size", 1, log.checkpoint().size);
        const index = requiredInteger(q, "index", 0, size - 1);
        const hashes = (await log.inclusionProof(index, size)).map(encodeBase64);
        return jsonResponse(200, { index, size, hashes }, and(headers, NO_CACHE));
      },
      doc: {
        summary: "The RFC 6962 audit path of leaf index in the tree of size",
        parameters: [ref("parameters", "Index"), ref("parameters", "Size")],
        ok: [200, "The proof", "application/json", ref("schemas", "InclusionProof")],
        errors: ["invalid_query", "unavailable"],
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/v1/log/proof/consistency"),
      handler: async ({ search, headers }) => {
        const q = new URLSearchParams(search);
        const to = requiredInteger(q, "to", 1, log.checkpoint().size);
        const from = requiredInteger(q, "from", 1, to);
        const hashes = (await log.consistencyProof(from, to)).map(encodeBase64);
        return jsonResponse(200, { from, to, hashes }, and(headers, NO_CACHE));
      },
      doc: {
        summary: "The RFC 6962 consistency proof between the trees of sizes from and to",
        parameters: [ref("parameters", "From"), ref("parameters", "To")],
        ok: [200, "The proof", "application/json", ref("schemas", "ConsistencyProof")],
        errors: ["invalid_query", "unavailable"],
      },
    },
    ...proofRoutes(store, log, "", "the latest checkpoint"),
  ];
}

/**
 * The tlog-proof routes of a chain's events and of its head, against one
 * checkpoint: `/v1/sigchains/{scheme}/{id}/events/{seq}/proof` and
 * `/head/proof`, each with a suffix naming which checkpoint.
 *
 * @param store where chains live
 * @param log the store's transparency log
 * @param suffix added to both paths, e.g. `/witnessed`; empty for the latest checkpoint
 * @param which the checkpoint, as the OpenAPI summaries name it
 * @param against reads the checkpoint; the log's latest by default
 * @returns the two routes
 *
 * @example
 * ```ts
 * import { proofRoutes } from "./log_routes.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * const routes = proofRoutes(store, store.log!, "/witnessed", "the witnessed checkpoint");
 * await store.close();
 * if (!routes[1]!.pattern.test({ pathname: "/v1/sigchains/ed25519/ab/head/proof/witnessed" })) {
 *   throw new Error("the suffix");
 * }
 * ```
 */
export function proofRoutes(
  store: Store,
  log: TransparencyLog,
  suffix: string,
  which: string,
  against?: () => Promise<ProofCheckpoint | null>,
): Route[] {
  const proof = (params: Params, seq: number | null) =>
    eventProof(store, log, primaryOf(params), seq, against);
  return [
    {
      method: "GET",
      pattern: pathPattern(`/v1/sigchains/:scheme/:id/events/:seq/proof${suffix}`),
      handler: async ({ params, headers }) =>
        textResponse(200, await proof(params, seqOf(params)), TEXT, and(headers, NO_CACHE)),
      doc: {
        summary: `A C2SP tlog-proof that the chain's event seq is in ${which}`,
        parameters: [...CHAIN_PARAMETERS, ref("parameters", "Seq")],
        ok: [200, "The tlog-proof", TEXT, STRING],
        errors: ["invalid_primary", "not_found", "unavailable"],
      },
    },
    {
      method: "GET",
      pattern: pathPattern(`/v1/sigchains/:scheme/:id/head/proof${suffix}`),
      handler: async ({ params, headers }) =>
        textResponse(200, await proof(params, null), TEXT, and(headers, NO_CACHE)),
      doc: {
        summary: `A C2SP tlog-proof that the chain's head is in ${which}`,
        parameters: CHAIN_PARAMETERS,
        ok: [200, "The tlog-proof", TEXT, STRING],
        errors: ["invalid_primary", "not_found", "unavailable"],
      },
    },
  ];
}
