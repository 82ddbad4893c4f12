/**
 * The local chain a read-only command names with `--primary`, `--nsec` or
 * `KEZ_SECRET`.
 *
 * @module
 */

import type { Sigchain } from "../protocol/mod.ts";
import { COMMON_FLAGS, parseCommandArgs } from "./command.ts";
import { kezHome } from "./home.ts";
import { primaryFrom } from "./key_args.ts";
import { loadLocalChain } from "./local_chain.ts";

/**
 * Parses a read-only command's arguments and loads the local chain they name.
 *
 * @param command the command, for messages
 * @param args its arguments
 * @param env reads an environment variable
 * @returns the primary and its local chain (empty when there is none)
 * @throws {UsageError} for a bad flag or a missing identity
 *
 * @example
 * ```ts
 * import { namedChain } from "./named_chain.ts";
 * const home = await Deno.makeTempDir();
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * const env = (name: string) => name === "KEZ_HOME" ? home : undefined;
 * const { chain } = await namedChain("sigchain show", ["--primary", `ed25519:${hex}`], env);
 * await Deno.remove(home, { recursive: true });
 * if (chain.length !== 0) throw new Error("no local events yet");
 * ```
 */
export async function namedChain(
  command: string,
  args: string[],
  env: (name: string) => string | undefined,
): Promise<{ primary: string; chain: Sigchain }> {
  const { values } = parseCommandArgs(command, {
    args,
    options: { ...COMMON_FLAGS, primary: { type: "string" }, nsec: { type: "string" } },
  }, []);
  const primary = primaryFrom(values, env, command);
  return { primary, chain: await loadLocalChain(kezHome(env), primary) };
}
