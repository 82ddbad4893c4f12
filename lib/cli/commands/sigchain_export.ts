/**
 * `kez sigchain export`: the local chain as the JSONL to serve.
 *
 * @module
 */

import { encodeCompactBundle } from "../../client/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { CliError } from "../errors.ts";
import { kezHome } from "../home.ts";
import { primaryFrom } from "../key_args.ts";
import { loadLocalChain } from "../local_chain.ts";

const NAME = "sigchain export";

/**
 * Prints the local chain as JSONL, byte for byte what a server serves.
 *
 * @example
 * ```ts
 * import { sigchainExport } from "./sigchain_export.ts";
 * if (!sigchainExport.usage.includes("kez-sigchain.jsonl")) throw new Error("unexpected");
 * ```
 */
export const sigchainExport: Command = {
  name: NAME,
  summary: "print the local chain as JSONL, for .well-known or a gist",
  usage: `Usage: kez sigchain export [--primary P | --nsec SECRET] [--compact | --json]

Prints your local chain as JSONL, one canonical event a line, byte for byte
what a server serves. Put it at https://<your domain>/.well-known/kez-sigchain.jsonl
or in a gist:

  kez sigchain export --primary "$PRIMARY" > kez-sigchain.jsonl

With --compact it prints the chain as one line instead, kez:zc1: and the
unpadded base64url of the JSONL compressed with raw DEFLATE: the form that a
nostr event or a DNS TXT record carries, and that every fetch reads too.

Options:
  --primary <P>   the chain's primary
  --compact       print the compact bundle
  --nsec <secret> the secret, to name the primary by; else KEZ_SECRET
  --json          print the events as one JSON array instead
  -h, --help      print this help`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(NAME, {
      args,
      options: {
        ...COMMON_FLAGS,
        primary: { type: "string" },
        nsec: { type: "string" },
        compact: { type: "boolean" },
      },
    }, []);
    const primary = primaryFrom(values, ctx.io.env, NAME);
    const chain = await loadLocalChain(kezHome(ctx.io.env), primary);
    if (chain.length === 0) {
      throw new CliError(`Cannot export chain: there are no local events for ${primary}`);
    }
    if (values.compact) {
      const bundle = await encodeCompactBundle(chain.toJsonl());
      return { code: 0, lines: [bundle], json: { primary, bundle } };
    }
    return {
      code: 0,
      lines: chain.events.map((e) => e.line),
      json: chain.events.map((e) => e.envelope),
    };
  },
};
