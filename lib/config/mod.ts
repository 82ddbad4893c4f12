/**
 * The command line: server configuration from flags, environment variables
 * and their defaults (spec §9), and the maintenance commands.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./mod.ts";
 * if (parseCommand(["--help"], () => undefined).kind !== "help") throw new Error("help");
 * if (parseCommand(["stats"], () => undefined).kind !== "stats") throw new Error("stats");
 * ```
 *
 * @module
 */

export * from "./bind.ts";
export * from "./command.ts";
export * from "./config.ts";
export * from "./defaults.ts";
export * from "./usage.ts";
export * from "./witness_command.ts";
