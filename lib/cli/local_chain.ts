/**
 * The local chains: one verified JSONL file per primary under the kez home,
 * read whole and verified on every load, replaced atomically on every save.
 *
 * @module
 */

import { join } from "node:path";
import { KezError, Sigchain } from "../protocol/mod.ts";
import { decodeUtf8 } from "../client/mod.ts";
import { writeFileAtomic } from "../runtime/mod.ts";
import { chainDir, chainFileName } from "./home.ts";

/**
 * The path of a primary's local chain.
 *
 * @param home the kez home
 * @param primary the chain's owner
 * @returns `home/sigchains/{scheme}_{id}.jsonl`
 * @throws {KezError} `invalid_primary`
 *
 * @example
 * ```ts
 * import { localChainPath } from "./local_chain.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * if (localChainPath("/k", `ed25519:${hex}`) !== `/k/sigchains/ed25519_${hex}.jsonl`) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function localChainPath(home: string, primary: string): string {
  return join(chainDir(home), chainFileName(primary));
}

/**
 * Reads and verifies a primary's local chain.
 *
 * @param home the kez home
 * @param primary the chain's owner
 * @returns the chain; empty when there is no file yet
 * @throws {KezError} the first reason the file is not a valid chain of `primary`,
 *   its message naming the file and line
 *
 * @example
 * ```ts
 * import { loadLocalChain } from "./local_chain.ts";
 * const dir = await Deno.makeTempDir();
 * const chain = await loadLocalChain(dir, "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
 * if (chain.length !== 0) throw new Error("no file is an empty chain");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadLocalChain(home: string, primary: string): Promise<Sigchain> {
  const path = localChainPath(home, primary);
  let bytes;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Sigchain(primary);
    throw e;
  }
  try {
    return Sigchain.fromJsonl(decodeUtf8(bytes, path), primary);
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    throw new KezError(e.code, `Cannot read local chain ${path}: ${e.message}`, { cause: e });
  }
}

/**
 * Writes a primary's local chain atomically, creating the directory if need be.
 *
 * @param home the kez home
 * @param chain the chain
 * @returns the file's path
 * @throws {Deno.errors.PermissionDenied} and other file-system errors
 *
 * @example
 * ```ts
 * import { loadLocalChain, saveLocalChain } from "./local_chain.ts";
 * import { appendEvent, generateKey, primaryOfKey } from "../client/mod.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const home = await Deno.makeTempDir();
 * const key = generateKey("ed25519");
 * const chain = new Sigchain(primaryOfKey(key));
 * appendEvent(chain, key, "add", "github:jason");
 * await saveLocalChain(home, chain);
 * if ((await loadLocalChain(home, chain.primary)).head !== chain.head) throw new Error("round trip");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function saveLocalChain(home: string, chain: Sigchain): Promise<string> {
  const path = localChainPath(home, chain.primary);
  await Deno.mkdir(chainDir(home), { recursive: true });
  await writeFileAtomic(path, chain.toJsonl());
  return path;
}
