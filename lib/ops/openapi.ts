/**
 * The OpenAPI 3.1 description of the HTTP API, served at
 * `GET /v1/openapi.json`. Every route, status and error code is written here
 * and only here; a test walks the router and this document together.
 *
 * @module
 */

import { STATUS } from "../http/responses.ts";
import type { ErrorCode } from "../protocol/mod.ts";
import { VERSION } from "./version.ts";

/** Options of {@linkcode openApiDocument}. */
export interface OpenApiOptions {
  /** Whether `GET /metrics` is served, and so described. */
  readonly metrics: boolean;
  /** Whether the transparency log's routes (§10.3) are served, and so described. */
  readonly log?: boolean;
}

/** A JSON value of the document. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One operation, as the table below writes it. */
interface Operation {
  readonly summary: string;
  readonly parameters?: Json[];
  readonly requestBody?: Json;
  /** The success status, its description, media type and schema. */
  readonly ok: readonly [status: number, description: string, type: string, schema: Json];
  /** Whether it takes `If-None-Match` and answers `304`, with `ETag` on its `200`. */
  readonly conditional?: boolean;
  /** The error codes it can answer with, besides `internal`. */
  readonly errors: readonly ErrorCode[];
  /** Whether its body can time out: `408 request_timeout`, and the connection closed. */
  readonly bodyTimeout?: boolean;
}

const ref = (kind: string, name: string): Json => ({ $ref: `#/components/${kind}/${name}` });
const CHAIN = [ref("parameters", "Scheme"), ref("parameters", "Id")];
const HASH = "^sha256:[0-9a-f]{64}$";
const STRING = { type: "string" };

/** Every route: path, then method. */
const ROUTES: Record<string, Record<string, Operation>> = {
  "/v1/healthz": {
    get: {
      summary: "Tells that the server is up",
      ok: [200, "Up", "application/json", ref("schemas", "Health")],
      errors: [],
    },
  },
  "/v1/sigchains/{scheme}/{id}": {
    get: {
      summary: "A chain as JSONL: each event's JCS(envelope) and a newline, in seq order (§6)",
      parameters: [...CHAIN, ref("parameters", "After")],
      ok: [200, "The events (after `after`, when given)", "application/jsonl", STRING],
      conditional: true,
      errors: ["invalid_primary", "invalid_query", "not_found", "unavailable"],
    },
  },
  "/v1/sigchains/{scheme}/{id}/head": {
    get: {
      summary: "The chain's last event, JCS(envelope) without a newline (§6)",
      parameters: CHAIN,
      ok: [200, "The head event", "application/json", ref("schemas", "Envelope")],
      conditional: true,
      errors: ["invalid_primary", "not_found", "unavailable"],
    },
  },
  "/v1/sigchains/{scheme}/{id}/events": {
    post: {
      summary: "Appends the next event after the checks of §5, in their order; " +
        "a read-only mirror (kez-sig-server mirror) answers 503 unavailable naming its upstream",
      parameters: CHAIN,
      requestBody: {
        required: true,
        description: "One envelope, at most 65,536 bytes; the request Content-Type is not checked",
        content: { "application/json": { schema: ref("schemas", "Envelope") } },
      },
      ok: [201, "Stored and fsynced", "application/json", ref("schemas", "Appended")],
      errors: [
        "invalid_primary",
        "payload_too_large",
        "invalid_json",
        "invalid_event",
        "wrong_primary",
        "conflict",
        "invalid_signature",
        "invalid_op",
        "unavailable",
      ],
      bodyTimeout: true,
    },
  },
  "/v1/openapi.json": {
    get: {
      summary: "This document",
      ok: [200, "OpenAPI 3.1", "application/json", { type: "object" }],
      errors: [],
    },
  },
};

const TEXT = "text/plain; charset=utf-8";
const BYTES = "application/octet-stream";
const PROOF_HASHES = { type: "array", items: { type: "string", description: "base64" } };

/** The transparency log's routes (§10.3): GET only, each answering no-cache unless said. */
const LOG_ROUTES: Record<string, Record<string, Operation>> = {
  "/v1/log/checkpoint": {
    get: {
      summary: "The latest signed checkpoint (C2SP tlog-checkpoint in a signed note, §10.2)",
      ok: [200, "The checkpoint; Cache-Control: no-cache", TEXT, STRING],
      errors: [],
    },
  },
  "/v1/log/key": {
    get: {
      summary: "The log's verifier key, <origin>+<key ID>+<base64 key>, and a newline",
      ok: [200, "The verifier key", TEXT, STRING],
      errors: [],
    },
  },
  "/v1/log/tile/*": {
    get: {
      summary: "C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] hash tiles and " +
        "tile/entries/<N>[.p/<W>] entry bundles (uint16 length, then the line)",
      ok: [200, "Full: Cache-Control immutable; partial: no-cache", BYTES, STRING],
      errors: ["not_found"],
    },
  },
  "/v1/log/entries": {
    get: {
      summary: "Leaves start … start+limit−1 of the current tree, as JSONL: the feed for mirrors",
      parameters: [ref("parameters", "Start"), ref("parameters", "Limit")],
      ok: [200, "The leaves; empty at the end of the log", "application/jsonl", STRING],
      errors: ["invalid_query", "unavailable"],
    },
  },
  "/v1/log/proof/inclusion": {
    get: {
      summary: "The RFC 6962 audit path of leaf index in the tree of size",
      parameters: [ref("parameters", "Index"), ref("parameters", "Size")],
      ok: [200, "The proof", "application/json", ref("schemas", "InclusionProof")],
      errors: ["invalid_query", "unavailable"],
    },
  },
  "/v1/log/proof/consistency": {
    get: {
      summary: "The RFC 6962 consistency proof between the trees of sizes from and to",
      parameters: [ref("parameters", "From"), ref("parameters", "To")],
      ok: [200, "The proof", "application/json", ref("schemas", "ConsistencyProof")],
      errors: ["invalid_query", "unavailable"],
    },
  },
  "/v1/sigchains/{scheme}/{id}/events/{seq}/proof": {
    get: {
      summary: "A C2SP tlog-proof that the chain's event seq is in the latest checkpoint",
      parameters: [...CHAIN, ref("parameters", "Seq")],
      ok: [200, "The tlog-proof", TEXT, STRING],
      errors: ["invalid_primary", "not_found", "unavailable"],
    },
  },
  "/v1/sigchains/{scheme}/{id}/head/proof": {
    get: {
      summary: "A C2SP tlog-proof that the chain's head is in the latest checkpoint",
      parameters: CHAIN,
      ok: [200, "The tlog-proof", TEXT, STRING],
      errors: ["invalid_primary", "not_found", "unavailable"],
    },
  },
};

function integerParameter(name: string, description: string, required = true): Json {
  return {
    name,
    in: "query",
    required,
    schema: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
    description,
  };
}

const METRICS_ROUTE: Record<string, Record<string, Operation>> = {
  "/metrics": {
    get: {
      summary: "Metrics in the Prometheus text format; absent with --metrics=false",
      ok: [200, "The metrics", "text/plain; version=0.0.4", STRING],
      errors: [],
    },
  },
};

/** Headers on every answer. */
const COMMON_HEADERS = {
  "X-Request-Id": ref("headers", "XRequestId"),
  "Access-Control-Allow-Origin": ref("headers", "AccessControlAllowOrigin"),
  "Access-Control-Expose-Headers": ref("headers", "AccessControlExposeHeaders"),
};
const CACHE_HEADERS = {
  ETag: ref("headers", "ETag"),
  "Cache-Control": ref("headers", "CacheControl"),
};

function errorSchema(codes: readonly string[]): Json {
  return {
    type: "object",
    required: ["error"],
    additionalProperties: false,
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        additionalProperties: false,
        properties: { code: { enum: [...codes] }, message: { type: "string" } },
      },
    },
  };
}

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
    byStatus.set(STATUS[code], [...byStatus.get(STATUS[code]) ?? [], code]);
  }
  // Not a protocol error: lib/http/body.ts answers a stalled body itself, then closes.
  if (op.bodyTimeout) byStatus.set(408, ["request_timeout"]);
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
  // The router answers HEAD on every GET route: the GET's status and headers, no body.
  if (method === "get") out.head = { ...base, responses: responses(op, true) };
  return out;
}

const PREFLIGHT: Json = {
  summary: "CORS preflight; answered on any path",
  responses: { "204": { description: "CORS is open", headers: COMMON_HEADERS } },
};

const ENVELOPE: Json = {
  type: "object",
  description: "An event (§3); every object has exactly these members",
  required: ["kez", "payload", "signature"],
  additionalProperties: false,
  properties: {
    kez: { const: "sigchain_event" },
    payload: {
      type: "object",
      required: ["type", "version", "primary", "seq", "created_at", "op", "payload"],
      additionalProperties: false,
      properties: {
        type: { const: "kez.sigchain.event" },
        version: { const: 1 },
        primary: { type: "string", description: "ed25519:<64 hex> or nostr:npub1… (§1.1)" },
        seq: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        prev: { type: "string", pattern: HASH, description: "absent at seq 0, required after" },
        created_at: { type: "string", description: "RFC 3339 UTC: YYYY-MM-DDTHH:MM:SS[.f]Z" },
        op: { enum: ["add", "revoke"] },
        payload: {
          type: "object",
          required: ["subject"],
          additionalProperties: false,
          properties: { subject: { type: "string", description: "scheme:rest (§1.2)" } },
        },
      },
    },
    signature: {
      type: "object",
      required: ["alg", "key", "sig"],
      additionalProperties: false,
      properties: {
        alg: { enum: ["ed25519-sha512-jcs", "nostr-secp256k1-schnorr-sha256-jcs"] },
        key: { type: "string", description: "equals payload.primary" },
        sig: { type: "string", pattern: "^[0-9a-f]{128}$" },
      },
    },
  },
};

const COMPONENTS: Json = {
  parameters: {
    Scheme: {
      name: "scheme",
      in: "path",
      required: true,
      schema: { enum: ["ed25519", "nostr"] },
      description: "The primary's scheme (§1.3)",
    },
    Id: {
      name: "id",
      in: "path",
      required: true,
      schema: STRING,
      description: "The primary's key: 64 lowercase hex, or a NIP-19 npub (§1.3)",
    },
    After: {
      name: "after",
      in: "query",
      schema: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
      description: "Only the events with a greater seq (§6.2); given at most once",
    },
    IfNoneMatch: {
      name: "If-None-Match",
      in: "header",
      schema: STRING,
      description: 'ETags, compared weakly, or "*" (§6.2)',
    },
    Start: integerParameter("start", "The first leaf; the current size gives an empty page"),
    Limit: integerParameter("limit", "How many leaves, 1 to 1000 (default 1000)", false),
    Index: integerParameter("index", "The leaf, below size"),
    Size: integerParameter("size", "The tree size, 1 to the current size"),
    From: integerParameter("from", "The older tree size, from 1"),
    To: integerParameter("to", "The newer tree size, from `from` to the current size"),
    Seq: {
      name: "seq",
      in: "path",
      required: true,
      schema: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
      description: "The event's seq; anything else is 404",
    },
    XRequestId: {
      name: "X-Request-Id",
      in: "header",
      schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,128}$" },
      description: "Kept as the request's id when valid; otherwise the server makes one",
    },
  },
  headers: {
    XRequestId: { schema: STRING, description: "The request's id, as in the server's log" },
    AccessControlAllowOrigin: { schema: { const: "*" } },
    AccessControlExposeHeaders: { schema: { const: "ETag, X-Request-Id, Allow" } },
    ETag: { schema: STRING, description: 'The head event\'s hash, quoted: "sha256:…"' },
    CacheControl: { schema: { const: "no-cache" } },
    Allow: { schema: STRING, description: "The methods the path takes" },
  },
  responses: {
    NotFound: {
      description: "not_found: no route has this path (any method)",
      headers: COMMON_HEADERS,
      content: { "application/json": { schema: errorSchema(["not_found"]) } },
    },
    MethodNotAllowed: {
      description: "method_not_allowed: the path exists, the method does not (checked first)",
      headers: { ...COMMON_HEADERS, Allow: ref("headers", "Allow") },
      content: { "application/json": { schema: errorSchema(["method_not_allowed"]) } },
    },
  },
  schemas: {
    Health: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] },
    Appended: {
      type: "object",
      required: ["seq", "hash"],
      properties: {
        seq: { type: "integer", minimum: 0 },
        hash: { type: "string", pattern: HASH, description: "the next event's prev" },
        index: { type: "integer", minimum: 0, description: "its index in the log (§10.1)" },
      },
    },
    InclusionProof: {
      type: "object",
      required: ["index", "size", "hashes"],
      properties: { index: { type: "integer" }, size: { type: "integer" }, hashes: PROOF_HASHES },
    },
    ConsistencyProof: {
      type: "object",
      required: ["from", "to", "hashes"],
      properties: { from: { type: "integer" }, to: { type: "integer" }, hashes: PROOF_HASHES },
    },
    Envelope: ENVELOPE,
    Error: errorSchema(Object.keys(STATUS) as ErrorCode[]),
  },
};

/**
 * Builds the OpenAPI document.
 *
 * @param options whether `/metrics` and the log's routes are served
 * @returns the document, ready for `JSON.stringify`
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * const doc = openApiDocument({ metrics: false }) as { openapi: string; paths: Record<string, unknown> };
 * if (doc.openapi !== "3.1.0" || "/metrics" in doc.paths) throw new Error("unexpected");
 * ```
 */
export function openApiDocument(options: OpenApiOptions): unknown {
  const routes = {
    ...ROUTES,
    ...(options.log ? LOG_ROUTES : {}),
    ...(options.metrics ? METRICS_ROUTE : {}),
  };
  const paths: Record<string, Json> = {};
  for (const [path, methods] of Object.entries(routes)) {
    const item: Record<string, Json> = { options: PREFLIGHT };
    for (const [method, op] of Object.entries(methods)) Object.assign(item, operations(op, method));
    paths[path] = item;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "kez-sig-server",
      version: VERSION,
      description: "The KEZ sigchain server. A request whose Host is not host[:port] is " +
        "400 invalid_request, before any route. Routing goes path shape first, then method: " +
        "a path no route has is 404 not_found, a known path with another method is " +
        "405 method_not_allowed with Allow, then the primary is checked. " +
        "Every answer carries Access-Control-Allow-Origin: *, Access-Control-Expose-Headers and X-Request-Id.",
    },
    paths,
    components: COMPONENTS,
  };
}
