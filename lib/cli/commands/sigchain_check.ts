/**
 * `kez sigchain check`: is this subject active for this primary?
 *
 * @module
 */

import { checkSubject } from "../../client/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { verdictLine } from "../format.ts";
import { kezHome } from "../home.ts";
import { primaryFrom } from "../key_args.ts";
import { localChainPath } from "../local_chain.ts";
import { CHANNEL_FLAGS, channelArgs } from "../channel_flags.ts";
import { fileSource, sourcesFrom } from "../sources.ts";

const NAME = "sigchain check";

/**
 * Answers with exit status 0 (active) or 1 (not active, or no answer) and one
 * line. Without sources, it reads the local chain.
 *
 * @example
 * ```ts
 * import { sigchainCheck } from "./sigchain_check.ts";
 * if (!sigchainCheck.usage.includes("is active for")) throw new Error("unexpected");
 * ```
 */
export const sigchainCheck: Command = {
  name: NAME,
  summary: "tell whether a subject is active for a primary",
  usage:
    `Usage: kez sigchain check <subject> --primary P [--server URL]… [--source SOURCE]… [--json]

Fetches and reconciles the primary's chain as 'kez sigchain fetch' does, or
reads the local chain when no source is given, and answers with one line and
the exit status:

  github:jason is active for nostr:npub1…       (exit 0)
  github:jason is not active for nostr:npub1…   (exit 1)

A fork, or no valid copy anywhere, is an error (exit 1). Sources that could
not be read are named on standard error.

Options:
  --primary <P>        the chain's primary (else the one of --nsec or KEZ_SECRET)
  --server <URL>       a kez-sig-server (repeatable)
  --source <SOURCE>    a channel (web:, gist:, dns:, nostr:), URL or file, as
                       'kez sigchain fetch --help' lists them (repeatable)
  --timeout <SECONDS>  the most one source may take (default 15)
  --github-api <URL>, --nameserver <IP:PORT>, --relay <URL>
                       as for 'kez sigchain fetch'
  --json               print {"primary", "subject", "active", "length", "head", "verdicts"}
  -h, --help           print this help`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(NAME, {
      args,
      options: {
        ...COMMON_FLAGS,
        primary: { type: "string" },
        nsec: { type: "string" },
        server: { type: "string", multiple: true },
        source: { type: "string", multiple: true },
        ...CHANNEL_FLAGS,
      },
      allowPositionals: true,
    }, ["subject"]);
    const subject = positionals[0]!;
    const { channels, sourceTimeout } = channelArgs(values, ctx.client.signal, NAME, ctx.io.env);
    const primary = primaryFrom(values, ctx.io.env, NAME);
    let sources = sourcesFrom(values.server ?? [], values.source ?? [], NAME, channels);
    if (sources.length === 0) {
      sources = [fileSource(localChainPath(kezHome(ctx.io.env), primary), "local chain")];
    }
    const { active, chain, verdicts } = await checkSubject(primary, subject, sources, {
      ...ctx.client,
      sourceTimeout,
    });
    return {
      code: active ? 0 : 1,
      lines: [`${subject} is ${active ? "active" : "not active"} for ${primary}`],
      json: { primary, subject, active, length: chain.length, head: chain.head, verdicts },
      warnings: verdicts.filter((v) => v.status !== "valid").map(verdictLine),
    };
  },
};
