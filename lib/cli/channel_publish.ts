/**
 * Publishing a local chain to a channel: a file to upload for `web:`, a gist
 * for `gist:`, the TXT record to add for `dns:`, a signed event for `nostr:`.
 *
 * @module
 */

import {
  CHAIN_FILE,
  type ChannelOptions,
  encodeCompactBundle,
  KezError,
  nostrTarget,
  parseChannel,
  publishGist,
  publishNostr,
  txtRecord,
  wellKnownUrl,
} from "../client/mod.ts";
import type { Sigchain, SigningKey } from "../protocol/mod.ts";
import { writeFileAtomic } from "../runtime/mod.ts";
import { UsageError } from "./errors.ts";

/** What publishing to a channel needs. */
export interface PublishContext {
  /** The channels' options: GitHub's API, the signal. */
  readonly channels: ChannelOptions;
  /** Reads an environment variable (`GITHUB_TOKEN`). */
  readonly env: (name: string) => string | undefined;
  /** Where `web:` writes its file. */
  readonly out?: string | undefined;
  /** The chain's key, which signs the `nostr:` event. */
  readonly key?: SigningKey | undefined;
}

/** What one channel did. */
export interface Published {
  /** The target, as given. */
  readonly target: string;
  /** The lines to print. */
  readonly lines: readonly string[];
  /** The same as JSON. */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * Checks a `--to` target before anything is sent.
 *
 * @param target the target, e.g. `web:jason.example`
 * @param out the `--out` directory, which `web:` needs
 * @param command the command, for messages
 * @throws {UsageError} for a target that is no channel, or `web:` without `--out`
 *
 * @example
 * ```ts
 * import { checkTarget } from "./channel_publish.ts";
 * checkTarget("dns:jason.example", undefined, "sigchain publish");
 * let refused = false;
 * try { checkTarget("web:jason.example", undefined, "sigchain publish"); } catch { refused = true; }
 * if (!refused) throw new Error("web: needs --out");
 * ```
 */
export function checkTarget(target: string, out: string | undefined, command: string): void {
  const channel = parseChannel(target);
  if (channel === null || channel.value === "") {
    throw new UsageError(
      `Invalid --to ${JSON.stringify(target)}: expected web:, gist:, dns: or nostr:`,
      command,
    );
  }
  if (channel.scheme === "web" && out === undefined) {
    throw new UsageError(`Missing --out DIR for ${target}: where to write ${CHAIN_FILE}`, command);
  }
}

/**
 * Publishes the chain to one channel.
 *
 * @param target the checked target
 * @param chain the local chain
 * @param ctx what the channels need
 * @returns what was done
 * @throws {KezError} when the channel refused or could not be reached
 *
 * @example
 * ```ts
 * import { publishTo } from "./channel_publish.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const chain = new Sigchain("ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
 * const done = await publishTo("dns:jason.example", chain, { channels: {}, env: () => undefined });
 * if (!done.lines[1]?.startsWith('_kez-chain.jason.example. 3600 IN TXT "kez:zc1:')) throw new Error(done.lines.join("\n"));
 * ```
 */
export async function publishTo(
  target: string,
  chain: Sigchain,
  ctx: PublishContext,
): Promise<Published> {
  const { scheme, value } = parseChannel(target)!;
  const jsonl = chain.toJsonl();
  switch (scheme) {
    case "web": {
      const url = wellKnownUrl(value);
      await Deno.mkdir(ctx.out!, { recursive: true });
      const path = `${ctx.out}/${CHAIN_FILE}`;
      await writeFileAtomic(path, jsonl);
      return {
        target,
        lines: [`${target}: wrote ${chain.length} event(s) to ${path}; upload it to ${url}`],
        json: { target, path, url, length: chain.length },
      };
    }
    case "gist": {
      const token = ctx.env("GITHUB_TOKEN");
      if (token === undefined || token === "") {
        return {
          target,
          lines: [
            `${target}: GITHUB_TOKEN is not set; to publish by hand:`,
            `  1. kez sigchain export --primary ${chain.primary} > ${CHAIN_FILE}`,
            `  2. at https://gist.github.com/ create a public gist of ${value} holding that file, named ${CHAIN_FILE}`,
            `  or set GITHUB_TOKEN to a token that may write gists, and publish again`,
          ],
          json: { target, action: "none" },
        };
      }
      const { action, url } = await publishGist(value, jsonl, token, ctx.channels);
      return {
        target,
        lines: [`${target}: ${action} ${url} with ${chain.length} event(s)`],
        json: { target, action, url, length: chain.length },
      };
    }
    case "dns": {
      const record = txtRecord(value, await encodeCompactBundle(jsonl));
      const hint = txtRecord(value, `kez-chain=${wellKnownUrl(value)}`);
      return {
        target,
        lines: [
          `${target}: add this TXT record (the chain of ${chain.length} event(s), compact):`,
          record,
          `${target}: or one that points at a file channel, e.g.:`,
          hint,
        ],
        json: { target, record, hint },
      };
    }
    case "nostr":
      return await publishToNostr(target, value, chain, ctx);
  }
}

async function publishToNostr(
  target: string,
  value: string,
  chain: Sigchain,
  ctx: PublishContext,
): Promise<Published> {
  const { npub, relays } = nostrTarget(value, ctx.channels.relays ?? []);
  if (chain.primary.startsWith("nostr:") && `nostr:${npub}` !== chain.primary) {
    throw new KezError(
      "wrong_primary",
      `Cannot publish to ${target}: a chain goes to nostr under its own key, ${chain.primary}`,
    );
  }
  const bundle = await encodeCompactBundle(chain.toJsonl());
  const answers = await publishNostr(ctx.key!, bundle, relays, ctx.channels.signal);
  const lines = answers.map((a) =>
    `${target}: ${a.relay}: ${a.ok ? "accepted" : "refused"}${a.message ? `: ${a.message}` : ""}`
  );
  if (!answers.some((a) => a.ok)) {
    throw new KezError(
      "unavailable",
      `Cannot publish to ${target}: no relay accepted the event (${
        answers.map((a) => `${a.relay}: ${a.message}`).join("; ")
      })`,
    );
  }
  return {
    target,
    lines: [
      `${target}: signed a kind 30078 event of ${chain.length} event(s), ${bundle.length} bytes`,
      ...lines,
    ],
    json: { target, length: chain.length, relays: answers },
  };
}
