/**
 * `kez sigchain verify`: check a JSONL file, or a compact bundle, as a whole
 * chain (spec §8).
 *
 * @module
 */

import { chainJsonl, decodeUtf8 } from "../../client/mod.ts";
import { KezError, Sigchain } from "../../protocol/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { stateLines, summary } from "../format.ts";

const NAME = "sigchain verify";

/**
 * Verifies a JSONL file, or standard input for `-`, and prints its state or
 * the first reason it is invalid.
 *
 * @example
 * ```ts
 * import { sigchainVerify } from "./sigchain_verify.ts";
 * if (!sigchainVerify.usage.includes("<FILE.jsonl|->")) throw new Error("unexpected");
 * ```
 */
export const sigchainVerify: Command = {
  name: NAME,
  summary: "verify a JSONL chain file and print its state",
  usage: `Usage: kez sigchain verify <FILE.jsonl|-> [--json]

Verifies a chain as JSONL, or as a kez:zc1: compact bundle (- reads standard
input): every event's structure,
signature, seq, prev and op. Prints its state, or the first reason it is
invalid and exits 1:

  Valid: 2 event(s) of nostr:npub1…
  Head: sha256:…
  Active: github:jason dns:jason.example

Options:
  --json      print {"valid": true, "primary", "length", "head", "active"}
              or {"valid": false, "reason"}
  -h, --help  print this help`,
  async run(args, ctx) {
    const { positionals } = parseCommandArgs(NAME, {
      args,
      options: { ...COMMON_FLAGS },
      allowPositionals: true,
    }, ["FILE.jsonl|-"]);
    const file = positionals[0]!;
    const bytes = file === "-" ? await ctx.io.stdin() : await Deno.readFile(file);
    const name = file === "-" ? "standard input" : file;
    let chain;
    try {
      chain = Sigchain.fromJsonl(await chainJsonl(decodeUtf8(bytes, name), name));
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      return {
        code: 1,
        lines: [`Invalid: ${e.message}`],
        json: { valid: false, reason: e.message },
      };
    }
    return {
      code: 0,
      lines: [`Valid: ${chain.length} event(s) of ${chain.primary}`, ...stateLines(chain)],
      json: { valid: true, ...summary(chain) },
    };
  },
};
