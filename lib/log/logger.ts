/**
 * A small leveled logger that writes one line per record.
 *
 * @module
 */

import { formatLine, type LogFields, type LogFormat } from "./format.ts";
import { LEVELS, type LogLevel } from "./level.ts";
import { type LogSink, streamSink } from "./sink.ts";

const encoder = new TextEncoder();
const INFO_RANK = LEVELS.indexOf("info");

/** One answered request, as the request log records it. */
export interface RequestRecord {
  /** The request id echoed in `X-Request-Id`. */
  readonly requestId: string;
  /** The request method. */
  readonly method: string;
  /** The route pattern that answered, such as `/v1/sigchains/{scheme}/{id}`. */
  readonly route: string;
  /** The path as sent, cut to a bounded length. */
  readonly path: string;
  /** The answer's status. */
  readonly status: number;
  /** How long answering took, in milliseconds. */
  readonly durationMs: number;
}

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
   * Records one answered request at `info`: `METHOD path status 1.2ms` in the
   * pretty form; the JSON form adds the request id, route and duration as fields.
   *
   * @param record the request
   */
  request(record: RequestRecord): void;
  /**
   * Resolves once every record so far is written.
   *
   * @returns when written
   */
  flush(): Promise<void>;
}

/** A request's JSON fields, named as log collectors commonly name them. */
function requestFields(r: RequestRecord): LogFields {
  return {
    request_id: r.requestId,
    method: r.method,
    route: r.route,
    path: r.path,
    status: r.status,
    duration_ms: Math.round(r.durationMs * 1000) / 1000,
  };
}

/**
 * Creates a logger.
 *
 * @param level the least severe level to write
 * @param sink where finished lines go: a sink, or a function taking each line;
 *   standard error, written in batches, by default
 * @param format the line form: `pretty` (the default) or `json`
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
 *
 * const json: string[] = [];
 * const request = { requestId: "r1", method: "GET", route: "/v1/healthz", path: "/v1/healthz" };
 * createLogger("info", (line) => json.push(line), "json").request({ ...request, status: 200, durationMs: 0.4 });
 * if (JSON.parse(json[0]!).request_id !== "r1") throw new Error(json[0]);
 * ```
 */
export function createLogger(
  level: LogLevel,
  sink: LogSink | ((line: string) => void) = streamSink(),
  format: LogFormat = "pretty",
): Logger {
  const out: LogSink = typeof sink === "function"
    ? { write: sink, flush: () => Promise.resolve() }
    : sink;
  const rank = LEVELS.indexOf(level);
  const enabled = (l: LogLevel) => LEVELS.indexOf(l) <= rank;
  // Formatting a time took a third of a request line's cost; at thousands of
  // lines a second most share their millisecond.
  let shownMs = NaN;
  let shown = "";
  const now = () => {
    const ms = Date.now();
    if (ms !== shownMs) {
      shownMs = ms;
      shown = new Date(ms).toISOString();
    }
    return shown;
  };
  /** `<time> INFO  ` as bytes, made once per millisecond, for request lines taken in pieces. */
  let prefixMs = NaN;
  let infoPrefix = new Uint8Array(0);
  const infoPrefixNow = () => {
    const time = now();
    if (prefixMs !== shownMs) {
      prefixMs = shownMs;
      infoPrefix = encoder.encode(formatLine("pretty", time, "info", ""));
    }
    return infoPrefix;
  };
  const write = (l: LogLevel, message: string, fields?: LogFields) => {
    if (enabled(l)) out.write(formatLine(format, now(), l, message, fields));
  };
  const at = (l: LogLevel) => (message: string) => write(l, message);
  // Only where request lines are written at all: the pieces skip write()'s level check.
  const pieces = format === "pretty" && rank >= INFO_RANK ? out.pieces : undefined;
  return {
    level,
    enabled,
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
    request: (r) => {
      const ms = r.durationMs.toFixed(1);
      if (pieces !== undefined) {
        // The same line as below, its pieces copied into the sink as they are.
        pieces.bytes(infoPrefixNow()).text(r.method).text(" ").text(r.path).text(" ")
          .text(String(r.status)).text(" ").text(ms).text("ms").end();
        return;
      }
      const message = `${r.method} ${r.path} ${r.status} ${ms}ms`;
      write("info", message, format === "json" ? requestFields(r) : undefined);
    },
    flush: () => out.flush(),
  };
}
