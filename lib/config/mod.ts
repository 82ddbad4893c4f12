/**
 * Server configuration: flags, environment variables and their defaults
 * (spec §9).
 *
 * @example
 * ```ts
 * import { parseCommand } from "./mod.ts";
 * if (parseCommand(["--help"], () => undefined).kind !== "help") throw new Error("help");
 * ```
 *
 * @module
 */

export * from "./bind.ts";
export * from "./config.ts";
