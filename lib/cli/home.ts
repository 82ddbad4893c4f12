/**
 * Where local chains live: `$KEZ_HOME`, by default `$XDG_DATA_HOME/kez`, else
 * `~/.local/share/kez`; one JSONL file per primary under `sigchains/`.
 *
 * @module
 */

import { join } from "node:path";
import { parsePrimary } from "../protocol/mod.ts";
import { CliError } from "./errors.ts";

/**
 * Finds the kez home directory. Empty variables count as unset, as the XDG
 * base directory specification says.
 *
 * @param env reads an environment variable
 * @returns the directory, which may not exist yet
 * @throws {CliError} when neither `KEZ_HOME`, `XDG_DATA_HOME` nor `HOME` is set
 *
 * @example
 * ```ts
 * import { kezHome } from "./home.ts";
 * const env = (name: string) => ({ HOME: "/home/jason" } as Record<string, string>)[name];
 * if (kezHome(env) !== "/home/jason/.local/share/kez") throw new Error(kezHome(env));
 * ```
 */
export function kezHome(env: (name: string) => string | undefined): string {
  const set = (name: string) => env(name) || undefined;
  const home = set("KEZ_HOME");
  if (home !== undefined) return home;
  const data = set("XDG_DATA_HOME");
  if (data !== undefined) return join(data, "kez");
  const user = set("HOME") ?? set("USERPROFILE");
  if (user === undefined) throw new CliError("Cannot find the kez home: set KEZ_HOME or HOME");
  return join(user, ".local", "share", "kez");
}

/**
 * The directory of the local chains in a kez home.
 *
 * @param home the kez home
 * @returns `home/sigchains`
 *
 * @example
 * ```ts
 * import { chainDir } from "./home.ts";
 * if (chainDir("/k") !== "/k/sigchains") throw new Error(chainDir("/k"));
 * ```
 */
export function chainDir(home: string): string {
  return join(home, "sigchains");
}

/**
 * The file name of a primary's local chain: `{scheme}_{id}.jsonl`. A
 * canonical primary's id is lowercase hex or bech32, so the name is safe on
 * every filesystem, case-insensitive ones included.
 *
 * @param primary the chain's owner
 * @returns e.g. `ed25519_<hex>.jsonl` or `nostr_npub1….jsonl`
 * @throws {KezError} `invalid_primary`
 *
 * @example
 * ```ts
 * import { chainFileName } from "./home.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * if (chainFileName(`ed25519:${hex}`) !== `ed25519_${hex}.jsonl`) throw new Error("unexpected");
 * ```
 */
export function chainFileName(primary: string): string {
  const { scheme, id } = parsePrimary(primary);
  return `${scheme}_${id}.jsonl`;
}
