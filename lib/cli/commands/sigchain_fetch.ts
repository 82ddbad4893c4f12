/**
 * `kez sigchain fetch`: one primary's chain from several sources, each copy
 * verified and all reconciled (spec §8).
 *
 * @module
 */

import { describeFork, fetchChain } from "../../client/mod.ts";
import { parsePrimary } from "../../protocol/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { UsageError } from "../errors.ts";
import { stateLines, summary, verdictLine } from "../format.ts";
import { CHANNEL_FLAGS, channelArgs } from "../channel_flags.ts";
import { sourcesFrom } from "../sources.ts";

const NAME = "sigchain fetch";

/**
 * Prints each source's verdict and the result; exits 1 on a fork or when no
 * source holds a valid, non-empty copy.
 *
 * @example
 * ```ts
 * import { sigchainFetch } from "./sigchain_fetch.ts";
 * if (!sigchainFetch.usage.includes("--source")) throw new Error("unexpected");
 * ```
 */
export const sigchainFetch: Command = {
  name: NAME,
  summary: "fetch a chain from several sources and reconcile them",
  usage:
    `Usage: kez sigchain fetch <primary> [--server URL]… [--source SOURCE]… [--timeout SECONDS] [--json]

Fetches the primary's chain from every source, verifies each copy, and
reconciles them: the longest valid copy wins when every valid copy is a
prefix of it; two copies with different events at the same seq are a fork,
reported with the seq and both hashes. A source that cannot be read gets a
verdict and does not fail the fetch.

  http://localhost:7878: valid, 2 event(s)
  old.jsonl: invalid: line 2: Invalid signature: the signature does not verify
  web:jason.example: not found: Cannot get https://jason.example/…: server answered 404 Not Found
  Result: 2 event(s) of nostr:npub1…
  Head: sha256:…
  Active: github:jason dns:jason.example

Exits 1 on a fork, or when no source holds a valid copy with any event.

A source is one of (docs/channels.md), each holding JSONL or a compact bundle:
  web:<domain>                  https://<domain>/.well-known/kez-sigchain.jsonl
  gist:<github-user>            the user's public gist holding kez-sigchain.jsonl
  dns:<domain>                  the TXT record at _kez-chain.<domain>
  nostr:<npub>[@wss://relay,…]  the newest kind 30078 kez-sigchain event on each relay
  https://…                     JSONL at a URL
  FILE                          a local file

Options:
  --server <URL>        a kez-sig-server (repeatable)
  --source <SOURCE>     a channel, URL or file, as above (repeatable)
  --timeout <SECONDS>   the most one source may take (default 15)
  --github-api <URL>    GitHub's REST API (default https://api.github.com)
  --nameserver <IP:PORT>  the DNS server for dns: (default the system's)
  --relay <URL>         a relay for nostr: sources that name none (repeatable;
                        else KEZ_NOSTR_RELAYS, comma-separated)
  --json                print {"primary", "verdicts", "fork", "chain"}
  -h, --help            print this help`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(NAME, {
      args,
      options: {
        ...COMMON_FLAGS,
        server: { type: "string", multiple: true },
        source: { type: "string", multiple: true },
        ...CHANNEL_FLAGS,
      },
      allowPositionals: true,
    }, ["primary"]);
    const { channels, sourceTimeout } = channelArgs(values, ctx.client.signal, NAME, ctx.io.env);
    const primary = parsePrimary(positionals[0]!).text;
    const sources = sourcesFrom(values.server ?? [], values.source ?? [], NAME, channels);
    if (sources.length === 0) {
      throw new UsageError("Missing source: give --server or --source", NAME);
    }
    const { chain, fork, verdicts } = await fetchChain(primary, sources, {
      ...ctx.client,
      sourceTimeout,
    });
    const lines = verdicts.map(verdictLine);
    const json = { primary, verdicts, fork, chain: chain === null ? null : summary(chain) };
    if (fork !== null) return { code: 1, lines: [...lines, `Result: ${describeFork(fork)}`], json };
    if (chain === null || chain.length === 0) {
      return {
        code: 1,
        lines: [...lines, `Result: no source holds a valid copy of ${primary}`],
        json,
      };
    }
    return {
      code: 0,
      lines: [...lines, `Result: ${chain.length} event(s) of ${primary}`, ...stateLines(chain)],
      json,
    };
  },
};
