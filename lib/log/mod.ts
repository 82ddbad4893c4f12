/**
 * Logging: levels with the original server's `RUST_LOG`-style syntax, and a
 * one-line-per-record logger writing pretty or JSON lines.
 *
 * @example
 * ```ts
 * import { createLogger, parseLogLevel } from "./mod.ts";
 * const log = createLogger(parseLogLevel("error"), () => {});
 * log.info("not written");
 * ```
 *
 * @module
 */

export * from "./format.ts";
export * from "./level.ts";
export * from "./logger.ts";
export * from "./sink.ts";
