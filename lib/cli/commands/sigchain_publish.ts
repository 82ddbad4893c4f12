/**
 * `kez sigchain publish`: send a server the local events it lacks, and put
 * the chain on other channels.
 *
 * @module
 */

import { KezClient } from "../../client/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { CHANNEL_FLAGS, channelArgs } from "../channel_flags.ts";
import { checkTarget, type Published, publishTo } from "../channel_publish.ts";
import { CliError, UsageError } from "../errors.ts";
import { kezHome } from "../home.ts";
import { primaryFrom, secretFrom } from "../key_args.ts";
import { loadLocalChain } from "../local_chain.ts";
import { serverFrom } from "../sources.ts";

const NAME = "sigchain publish";

/**
 * Publishes the local chain: to the server, the events it lacks, in order,
 * after checking its chain is a prefix of the local one; to each channel, the
 * whole chain.
 *
 * @example
 * ```ts
 * import { sigchainPublish } from "./sigchain_publish.ts";
 * if (!sigchainPublish.usage.includes("already present")) throw new Error("unexpected");
 * ```
 */
export const sigchainPublish: Command = {
  name: NAME,
  summary: "send a server the local events it lacks, and publish to other channels",
  usage:
    `Usage: kez sigchain publish [--server URL] [--to CHANNEL]… [--nsec SECRET | --primary P] [--json]

Sends the server the events of your local chain that it lacks, in order:

  server: posted 2 event(s), 0 already present

If the server's chain is not a prefix of yours (it holds an event you lack, or
a different one at some seq), nothing is sent and the error names the seq.

Each --to puts the whole chain on another channel (docs/channels.md):

  web:<domain>   writes kez-sigchain.jsonl into --out DIR, to upload to
                 https://<domain>/.well-known/kez-sigchain.jsonl
  gist:<user>    with GITHUB_TOKEN, creates or updates the user's public gist
                 holding kez-sigchain.jsonl; without it, prints the steps
  dns:<domain>   prints the TXT record to add at _kez-chain.<domain>
  nostr:<npub>[@wss://relay,…]
                 signs a NIP-78 event (kind 30078, d tag kez-sigchain) holding
                 the compact chain with the chain's own key, and sends it to
                 each relay (else --relay, else KEZ_NOSTR_RELAYS); it needs the
                 secret, and an Ed25519 chain cannot go there (no nostr key)

With one target, its failure is the error; with several, each gets a line,
a failed one 'TARGET: failed: reason', and the exit status is 1.

Options:
  --server <URL>      the kez-sig-server, e.g. http://localhost:7878
  --to <CHANNEL>      web:<domain>, gist:<user>, dns:<domain>, nostr:<npub> (repeatable)
  --out <DIR>         where web: writes kez-sigchain.jsonl
  --github-api <URL>  GitHub's REST API (default https://api.github.com)
  --relay <URL>       a nostr relay, wss://… (repeatable)
  --timeout <SECONDS> the most one target may take (default 15)
  --nsec <secret>     the secret, to name the primary by; else KEZ_SECRET
  --primary <P>       the chain's primary
  --json              print {"primary", "server", "posted", "present", "channels"}
  -h, --help          print this help`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(NAME, {
      args,
      options: {
        ...COMMON_FLAGS,
        ...CHANNEL_FLAGS,
        server: { type: "string" },
        to: { type: "string", multiple: true },
        out: { type: "string" },
        nsec: { type: "string" },
        primary: { type: "string" },
      },
    }, []);
    const targets = values.to ?? [];
    if (values.server === undefined && targets.length === 0) {
      throw new UsageError("Missing --server URL or --to CHANNEL", NAME);
    }
    const server = values.server === undefined ? undefined : serverFrom(values.server, NAME);
    for (const target of targets) checkTarget(target, values.out, NAME);
    const primary = primaryFrom(values, ctx.io.env, NAME);
    // Only nostr: signs anything: its event, with the chain's own key.
    const key = targets.some((t) => t.startsWith("nostr:"))
      ? secretFrom(values, ctx.io.env, NAME)
      : undefined;
    const { channels, sourceTimeout } = channelArgs(values, ctx.client.signal, NAME, ctx.io.env);
    const chain = await loadLocalChain(kezHome(ctx.io.env), primary);
    if (targets.length > 0 && chain.length === 0) {
      throw new CliError(`Cannot publish chain: there are no local events for ${primary}`);
    }
    const single = (server === undefined ? 0 : 1) + targets.length === 1;
    const lines: string[] = [];
    const json: Record<string, unknown> = { primary };
    let code: 0 | 1 = 0;
    const failed = (target: string, e: unknown) => {
      if (single || !(e instanceof Error)) throw e;
      code = 1;
      lines.push(`${target}: failed: ${e.message}`);
      return { target, error: e.message };
    };
    if (server !== undefined) {
      json.server = server;
      try {
        const { posted, present } = await new KezClient(server, ctx.client).publish(chain);
        lines.push(`server: posted ${posted} event(s), ${present} already present`);
        Object.assign(json, { posted, present });
      } catch (e) {
        json.error = failed("server", e).error;
      }
    }
    const results: Published["json"][] = [];
    for (const target of targets) {
      const signal = AbortSignal.any([
        AbortSignal.timeout(sourceTimeout),
        ...(ctx.client.signal === undefined ? [] : [ctx.client.signal]),
      ]);
      try {
        const done = await publishTo(target, chain, {
          channels: { ...channels, signal },
          env: ctx.io.env,
          out: values.out,
          key,
        });
        lines.push(...done.lines);
        results.push(done.json);
      } catch (e) {
        results.push(failed(target, e));
      }
    }
    if (targets.length > 0) json.channels = results;
    return { code, lines, json };
  },
};
