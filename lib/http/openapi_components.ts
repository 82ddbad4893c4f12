/**
 * The shared parts of the OpenAPI document: parameters, headers, schemas
 * and the answers every path has (404, 405).
 *
 * @module
 */

import { ERROR_STATUS, type ErrorCode } from "../protocol/mod.ts";
import { type Json, ref, STRING } from "./operation.ts";

const HASH = "^sha256:[0-9a-f]{64}$";
const PROOF_HASHES = { type: "array", items: { type: "string", description: "base64" } };

function integerParameter(name: string, description: string, required = true): Json {
  return {
    name,
    in: "query",
    required,
    schema: { type: "string", pattern: "^(0|[1-9][0-9]*)$" },
    description,
  };
}

/** Headers on every answer. */
export const COMMON_HEADERS = {
  "X-Request-Id": ref("headers", "XRequestId"),
  "Access-Control-Allow-Origin": ref("headers", "AccessControlAllowOrigin"),
  "Access-Control-Expose-Headers": ref("headers", "AccessControlExposeHeaders"),
};
/** Headers on the answers of a conditional GET. */
export const CACHE_HEADERS = {
  ETag: ref("headers", "ETag"),
  "Cache-Control": ref("headers", "CacheControl"),
};

/**
 * The schema of an error answer allowing the given codes.
 *
 * @param codes the codes
 * @returns the schema
 *
 * @example
 * ```ts
 * import { errorSchema } from "./openapi_components.ts";
 * const schema = errorSchema(["conflict"]) as { required: string[] };
 * if (schema.required[0] !== "error") throw new Error("schema");
 * ```
 */
export function errorSchema(codes: readonly string[]): Json {
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

/** The document's `components`. */
export const COMPONENTS: Json = {
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
    Error: errorSchema(Object.keys(ERROR_STATUS) as ErrorCode[]),
  },
};
