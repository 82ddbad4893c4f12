/**
 * The server's configuration from flags, environment variables and their
 * defaults (spec §9), the `mirror` command's flags, and the help texts.
 *
 * @example
 * ```ts
 * import { parseServe } from "./mod.ts";
 * if (parseServe(["--help"], () => undefined).kind !== "help") throw new Error("help");
 * ```
 *
 * @module
 */

export * from "./bind.ts";
export * from "./config.ts";
export * from "./defaults.ts";
export * from "./mirror_command.ts";
export * from "./usage.ts";
export * from "./whole_number.ts";
export * from "./witness_command.ts";
