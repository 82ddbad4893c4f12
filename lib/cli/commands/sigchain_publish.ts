/**
 * `kez sigchain publish`: send a server the local events it lacks.
 *
 * @module
 */

import { KezClient } from "../../client/mod.ts";
import type { Command } from "../command.ts";
import { kezHome } from "../home.ts";
import { loadLocalChain } from "../local_chain.ts";
import { serverArgs } from "../server_args.ts";

const NAME = "sigchain publish";

/**
 * Publishes the local chain: checks the server's chain is a prefix of it,
 * then posts the missing events in order.
 *
 * @example
 * ```ts
 * import { sigchainPublish } from "./sigchain_publish.ts";
 * if (!sigchainPublish.usage.includes("already present")) throw new Error("unexpected");
 * ```
 */
export const sigchainPublish: Command = {
  name: NAME,
  summary: "send a server the local events it lacks",
  usage: `Usage: kez sigchain publish --server URL [--nsec SECRET | --primary P] [--json]

Sends the server the events of your local chain that it lacks, in order:

  server: posted 2 event(s), 0 already present

If the server's chain is not a prefix of yours (it holds an event you lack, or
a different one at some seq), nothing is sent and the error names the seq.

Options:
  --server <URL>  the kez-sig-server, e.g. http://localhost:7878
  --nsec <secret> the secret, to name the primary by; else KEZ_SECRET
  --primary <P>   the chain's primary (publishing signs nothing)
  --json          print {"server", "primary", "posted", "present"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { server, primary } = serverArgs(NAME, args, ctx.io.env);
    const chain = await loadLocalChain(kezHome(ctx.io.env), primary);
    const { posted, present } = await new KezClient(server, ctx.client).publish(chain);
    return {
      code: 0,
      lines: [`server: posted ${posted} event(s), ${present} already present`],
      json: { server, primary, posted, present },
    };
  },
};
