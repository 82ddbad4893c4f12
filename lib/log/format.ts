/**
 * The two forms of a log line: `pretty` for people (`<ISO time> <LEVEL>
 * <message>`, the original server's shape) and `json` for log collectors
 * (one JSON object per line).
 *
 * @module
 */

import type { LogLevel } from "./level.ts";

/** The log line forms. */
export const LOG_FORMATS = ["pretty", "json"] as const;

/** One log line form. */
export type LogFormat = typeof LOG_FORMATS[number];

/** Fields a record carries besides its time, level and message. */
export type LogFields = Readonly<Record<string, string | number>>;

/**
 * Parses a `--log-format` / `KEZ_LOG_FORMAT` setting.
 *
 * @param text the setting
 * @returns the form
 * @throws {TypeError} when it is not `pretty` or `json`
 *
 * @example
 * ```ts
 * import { parseLogFormat } from "./format.ts";
 * if (parseLogFormat("json") !== "json") throw new Error("json");
 * ```
 */
export function parseLogFormat(text: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(text)) return text as LogFormat;
  throw new TypeError(
    `Cannot parse log format "${text}": expected one of ${LOG_FORMATS.join(", ")}`,
  );
}

/**
 * Builds one log line, without its newline. The pretty form shows the message
 * alone (the fields are for machines); the JSON form puts `time`, `level` and
 * `msg` first, then the fields.
 *
 * @param format the form
 * @param time when, as an ISO 8601 string
 * @param level the record's level
 * @param message the record
 * @param fields more fields, for the JSON form
 * @returns the line
 *
 * @example
 * ```ts
 * import { formatLine } from "./format.ts";
 * const line = formatLine("json", "2026-01-01T00:00:00.000Z", "info", "hi", { status: 200 });
 * if (line !== '{"time":"2026-01-01T00:00:00.000Z","level":"info","msg":"hi","status":200}') {
 *   throw new Error(line);
 * }
 * ```
 */
export function formatLine(
  format: LogFormat,
  time: string,
  level: LogLevel,
  message: string,
  fields?: LogFields,
): string {
  if (format === "pretty") return `${time} ${level.toUpperCase().padEnd(5)} ${message}`;
  return JSON.stringify({ time, level, msg: message, ...fields });
}
