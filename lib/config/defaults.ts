/**
 * The defaults of the settings: spec §9's, and this server's own.
 *
 * @module
 */

import { DEFAULT_CACHE_MB } from "../store/chain_cache.ts";

/** Each setting's default, as it would be written on the command line. */
export const DEFAULTS = {
  bind: "0.0.0.0:7878",
  db: "kez-sigchains.db",
  logLevel: "info",
  logFormat: "pretty",
  metrics: "true",
  logOrigin: "localhost/kez-sig-server",
  transparencyLog: "true",
  cacheMb: `${DEFAULT_CACHE_MB}`,
} as const;
