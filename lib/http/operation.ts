/**
 * What a route says of itself in the OpenAPI document: each route carries
 * its operation, and the document is built from the route list, so the two
 * cannot drift apart.
 *
 * @module
 */

import type { ErrorCode } from "../protocol/mod.ts";

/** A JSON value of the document. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One operation of the OpenAPI document, as a route writes it. */
export interface Operation {
  /** One line on what it does. */
  readonly summary: string;
  /** Its parameters (path, query), as OpenAPI parameter objects or references. */
  readonly parameters?: readonly Json[];
  /** Its request body, for a POST. */
  readonly requestBody?: Json;
  /** The success status, its description, media type and schema. */
  readonly ok: readonly [status: number, description: string, type: string, schema: Json];
  /** Whether it takes `If-None-Match` and answers `304`, with `ETag` on its `200`. */
  readonly conditional?: boolean;
  /** The error codes it can answer with, besides `internal`. */
  readonly errors: readonly ErrorCode[];
}

/**
 * A reference into the document's components.
 *
 * @param kind the components section, e.g. `parameters`
 * @param name the component's name
 * @returns the `$ref` object
 *
 * @example
 * ```ts
 * import { ref } from "./operation.ts";
 * if (ref("schemas", "Envelope").$ref !== "#/components/schemas/Envelope") throw new Error("ref");
 * ```
 */
export function ref(kind: string, name: string): { $ref: string } {
  return { $ref: `#/components/${kind}/${name}` };
}

/** The `{scheme}` and `{id}` path parameters of a chain's routes. */
export const CHAIN_PARAMETERS: readonly Json[] = [
  ref("parameters", "Scheme"),
  ref("parameters", "Id"),
];

/** A string schema. */
export const STRING: Json = { type: "string" };

/** The media type of the text answers. */
export const TEXT = "text/plain; charset=utf-8";
