/**
 * The primary a chain route's path names (spec §1.3, §5 check 1), as every
 * such route reads it.
 *
 * @module
 */

import { type Primary, primaryFromPath } from "../protocol/mod.ts";
import { isEd25519Point } from "../verify/mod.ts";
import type { Params } from "./router.ts";

/**
 * Parses the primary of a route's `:scheme` and `:id` segments, a new
 * Ed25519 key's point decoded by the runtime (whose key object the signature
 * check then reuses) rather than in pure JS.
 *
 * @param params the route's raw path params
 * @returns the primary
 * @throws {KezError} `invalid_primary` as `primaryFromPath` throws it
 *
 * @example
 * ```ts
 * import { primaryOf } from "./path_primary.ts";
 * const p = primaryOf({ scheme: "ed25519", id: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" });
 * if (p.scheme !== "ed25519") throw new Error("parsed");
 * ```
 */
export function primaryOf(params: Params): Primary {
  return primaryFromPath(params.scheme ?? "", params.id ?? "", isEd25519Point);
}
