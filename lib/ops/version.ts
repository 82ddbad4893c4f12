/**
 * The server's version, from `deno.json`, for `--version`, the OpenAPI
 * document and the log.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };

/** The server's version, such as `0.1.0`. */
export const VERSION: string = denoJson.version;
