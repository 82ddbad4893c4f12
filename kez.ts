/**
 * The `kez` command: build, sign, publish, fetch and check KEZ sigchains.
 * Run `kez --help` for the commands; the work is done in `lib/cli` on top of
 * the browser-ready client library `lib/client`.
 *
 * @example
 * ```ts
 * import { main } from "./kez.ts";
 * const io = { env: () => undefined, out: () => {}, err: () => {}, stdin: () => Promise.resolve(new Uint8Array()) };
 * if ((await main(["--version"], io)) !== 0) throw new Error("--version exits 0");
 * ```
 *
 * @module
 */

import { main } from "./lib/cli/mod.ts";

export { main };

if (import.meta.main) Deno.exit(await main(Deno.args));
