/**
 * `kez sigchain export`: the local chain as the JSONL to serve.
 *
 * @module
 */

import type { Command } from "../command.ts";
import { CliError } from "../errors.ts";
import { namedChain } from "../named_chain.ts";

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
  usage: `Usage: kez sigchain export [--primary P | --nsec SECRET] [--json]

Prints your local chain as JSONL, one canonical event a line, byte for byte
what a server serves. Put it at https://<your domain>/.well-known/kez-sigchain.jsonl
or in a gist:

  kez sigchain export --primary "$PRIMARY" > kez-sigchain.jsonl

Options:
  --primary <P>   the chain's primary
  --nsec <secret> the secret, to name the primary by; else KEZ_SECRET
  --json          print the events as one JSON array instead
  -h, --help      print this help`,
  async run(args, ctx) {
    const { primary, chain } = await namedChain(NAME, args, ctx.io.env);
    if (chain.length === 0) {
      throw new CliError(`Cannot export chain: there are no local events for ${primary}`);
    }
    return {
      code: 0,
      lines: chain.events.map((e) => e.line),
      json: chain.events.map((e) => e.envelope),
    };
  },
};
