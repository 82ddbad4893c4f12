/**
 * `kez sigchain pull`: bring events published from another device into the
 * local chain, after verifying them.
 *
 * @module
 */

import { forkSeq, KezClient } from "../../client/mod.ts";
import { KezError } from "../../protocol/mod.ts";
import type { Command } from "../command.ts";
import { kezHome } from "../home.ts";
import { loadLocalChain, saveLocalChain } from "../local_chain.ts";
import { serverArgs } from "../server_args.ts";

const NAME = "sigchain pull";

/**
 * Pulls the server's newer events into the local chain. Asks only for what
 * is newer than the local head (spec §6.2), and changes nothing when the
 * server's chain has diverged from the local one.
 *
 * @example
 * ```ts
 * import { sigchainPull } from "./sigchain_pull.ts";
 * if (!sigchainPull.usage.includes("--server")) throw new Error("unexpected");
 * ```
 */
export const sigchainPull: Command = {
  name: NAME,
  summary: "bring events published from another device into the local chain",
  usage: `Usage: kez sigchain pull --server URL [--nsec SECRET | --primary P] [--json]

Verifies the server's chain and appends the events your local chain lacks:

  server: pulled 1 event(s), local chain has 3 event(s)

If the server's chain differs from yours at some seq, nothing changes and the
error names the seq.

Options:
  --server <URL>  the kez-sig-server, e.g. http://localhost:7878
  --nsec <secret> the secret, to name the primary by; else KEZ_SECRET
  --primary <P>   the chain's primary (pulling signs nothing)
  --json          print {"server", "primary", "pulled", "length", "head", "unpublished"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { server, primary } = serverArgs(NAME, args, ctx.io.env);
    const home = kezHome(ctx.io.env);
    const local = await loadLocalChain(home, primary);
    const remote = await new KezClient(server, ctx.client).getChain(primary, { since: local });
    const seq = forkSeq(local, remote);
    if (seq !== null) {
      throw new KezError(
        "conflict",
        `Cannot pull chain: server ${server} holds a different event at seq ${seq} ` +
          `(server ${remote.events[seq]!.hash}, local ${local.events[seq]!.hash})`,
      );
    }
    const pulled = Math.max(0, remote.length - local.length);
    const chain = pulled > 0 ? remote : local;
    if (pulled > 0) await saveLocalChain(home, chain);
    const unpublished = local.length - Math.min(local.length, remote.length);
    return {
      code: 0,
      lines: [
        `server: pulled ${pulled} event(s), local chain has ${chain.length} event(s)` +
        (unpublished > 0 ? ` (${unpublished} not yet published)` : ""),
      ],
      json: { server, primary, pulled, length: chain.length, head: chain.head, unpublished },
    };
  },
};
