/**
 * The arguments of the commands that sync one local chain with one server:
 * `--server`, and the primary from `--primary`, `--nsec` or `KEZ_SECRET`.
 *
 * @module
 */

import { COMMON_FLAGS, parseCommandArgs } from "./command.ts";
import { primaryFrom } from "./key_args.ts";
import { serverFrom } from "./sources.ts";

/**
 * Parses a server command's arguments.
 *
 * @param command the command, for messages
 * @param args its arguments
 * @param env reads an environment variable
 * @returns the server URL and the chain's primary
 * @throws {UsageError} for a bad flag, a missing server or a missing identity
 *
 * @example
 * ```ts
 * import { serverArgs } from "./server_args.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * const { server, primary } = serverArgs("sigchain pull", ["--server", "http://localhost:7878", "--primary", `ed25519:${hex}`], () => undefined);
 * if (server !== "http://localhost:7878" || primary !== `ed25519:${hex}`) throw new Error("unexpected");
 * ```
 */
export function serverArgs(
  command: string,
  args: string[],
  env: (name: string) => string | undefined,
): { server: string; primary: string } {
  const { values } = parseCommandArgs(command, {
    args,
    options: {
      ...COMMON_FLAGS,
      server: { type: "string" },
      nsec: { type: "string" },
      primary: { type: "string" },
    },
  }, []);
  return { server: serverFrom(values.server, command), primary: primaryFrom(values, env, command) };
}
