/**
 * The `kez` command line on top of the client library: argument parsing, the
 * local chains and the transparency-log state (trusted keys, kept
 * checkpoints, monitor progress) under `$KEZ_HOME` (atomic writes), and the
 * commands. Uses Deno's file-system APIs, unlike `lib/client`.
 *
 * @example
 * ```ts
 * import { main } from "./mod.ts";
 * const io = { env: () => undefined, out: () => {}, err: () => {}, stdin: () => Promise.resolve(new Uint8Array()) };
 * if ((await main(["--help"], io)) !== 0) throw new Error("--help exits 0");
 * ```
 *
 * @module
 */

export * from "./command.ts";
export * from "./commands/mod.ts";
export * from "./errors.ts";
export * from "./format.ts";
export * from "./home.ts";
export * from "./io.ts";
export * from "./key_args.ts";
export * from "./local_chain.ts";
export * from "./log_files.ts";
export * from "./main.ts";
export * from "./monitor_files.ts";
export * from "./sources.ts";
