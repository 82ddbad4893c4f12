/**
 * A small leveled logger that writes one line per record.
 *
 * @module
 */

import { LEVELS, type LogLevel } from "./level.ts";
import { type LogSink, streamSink } from "./sink.ts";

/** Writes log records at or above its level. */
export interface Logger {
  /** The least severe level written. */
  readonly level: LogLevel;
  /**
   * Tells whether records at a level are written, to skip building costly ones.
   *
   * @param level the level asked about
   * @returns true when written
   */
  enabled(level: LogLevel): boolean;
  /** A failure of the server itself. @param message the record */
  error(message: string): void;
  /** Something an operator should look at. @param message the record */
  warn(message: string): void;
  /** Normal operation: start, stop, one line per request. @param message the record */
  info(message: string): void;
  /** Detail for debugging. @param message the record */
  debug(message: string): void;
  /** Everything. @param message the record */
  trace(message: string): void;
  /**
   * Resolves once every record so far is written.
   *
   * @returns when written
   */
  flush(): Promise<void>;
}

/**
 * Creates a logger.
 *
 * @param level the least severe level to write
 * @param sink where finished lines go: a sink, or a function taking each line;
 *   standard error, written in batches, by default
 * @returns the logger
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const log = createLogger("warn", (line) => lines.push(line));
 * log.info("dropped");
 * log.error("kept");
 * if (lines.length !== 1 || !lines[0]!.includes("ERROR kept")) throw new Error(lines.join());
 * ```
 */
export function createLogger(
  level: LogLevel,
  sink: LogSink | ((line: string) => void) = streamSink(),
): Logger {
  const out = typeof sink === "function" ? { write: sink, flush: () => Promise.resolve() } : sink;
  const rank = LEVELS.indexOf(level);
  const enabled = (l: LogLevel) => LEVELS.indexOf(l) <= rank;
  const at = (l: LogLevel) => (message: string) => {
    if (enabled(l)) {
      out.write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${message}`);
    }
  };
  return {
    level,
    enabled,
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
    flush: () => out.flush(),
  };
}
