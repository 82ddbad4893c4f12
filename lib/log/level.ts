/**
 * Log levels and the `--log-level` / `KEZ_LOG` / `RUST_LOG` syntax (spec §9).
 *
 * @module
 */

/** The levels, most severe first. */
export const LEVELS = ["error", "warn", "info", "debug", "trace"] as const;

/** One log level. */
export type LogLevel = typeof LEVELS[number];

/**
 * Parses a log level setting: a level, or a comma list whose first bare level
 * is the default (`debug,hyper=info` is `debug`); `target=level` entries are
 * accepted and ignored, as the original server's filter syntax allowed them.
 *
 * @param spec the setting
 * @returns the level; `info` when the setting names none
 * @throws {TypeError} when the first bare entry is not a level
 *
 * @example
 * ```ts
 * import { parseLogLevel } from "./level.ts";
 * if (parseLogLevel("debug,hyper=info") !== "debug") throw new Error("first bare level wins");
 * if (parseLogLevel("hyper=info") !== "info") throw new Error("no bare level: the default");
 * ```
 */
export function parseLogLevel(spec: string): LogLevel {
  for (const entry of spec.split(",").map((s) => s.trim().toLowerCase())) {
    if (entry === "" || entry.includes("=")) continue;
    if ((LEVELS as readonly string[]).includes(entry)) return entry as LogLevel;
    throw new TypeError(
      `Cannot parse log level "${spec}": "${entry}" is not one of ${LEVELS.join(", ")}`,
    );
  }
  return "info";
}
