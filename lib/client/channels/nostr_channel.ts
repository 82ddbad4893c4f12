/**
 * The `nostr:` channel: the chain as the content of a NIP-78 event (kind
 * 30078, tag `["d","kez-sigchain"]`) signed by the chain's own nostr key, on
 * relays. A relay is anyone's: every event it serves must pass its NIP-01 id
 * and BIP-340 signature check before its content is read, and the chain in
 * it is then verified as any other copy (spec §8).
 *
 * @module
 */

import type { Event } from "nostr-tools/core";
import { finalizeEvent, verifyEvent } from "nostr-tools/pure";
import { Relay } from "nostr-tools/relay";
import { KezError, parsePrimary, type SigningKey, toHex } from "../../protocol/mod.ts";
import type { ChainSource } from "../fetch_chain.ts";
import { primaryOfKey } from "../identity.ts";

/** NIP-78's kind: application-specific data, addressable by its `d` tag. */
export const NOSTR_KIND = 30078;

/** The `d` tag of a chain's event. */
export const NOSTR_D_TAG = "kez-sigchain";

/** How the nostr channel reaches relays. */
export interface NostrOptions {
  /** The relays to use when a source names none. */
  readonly relays?: readonly string[] | undefined;
  /** Aborts the connections, when a read is given no signal of its own. */
  readonly signal?: AbortSignal | undefined;
}

/** A `nostr:` value split: the npub, its key in hex, and the relays it names. */
export interface NostrTarget {
  readonly npub: string;
  readonly hex: string;
  readonly relays: readonly string[];
}

/**
 * Parses `<npub>` or `<npub>@wss://relay,wss://other`.
 *
 * @param value the part after `nostr:`
 * @param fallback the relays to use when it names none
 * @returns the npub, its hex key and the relays
 * @throws {KezError} `invalid_query` for a bad npub, a relay that is not a ws(s) URL, or no relay
 *
 * @example
 * ```ts
 * import { nostrTarget } from "./nostr_channel.ts";
 * const npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
 * const t = nostrTarget(`${npub}@ws://127.0.0.1:7777,wss://relay.example`, []);
 * if (t.relays.length !== 2 || t.hex.length !== 64) throw new Error("unexpected");
 * ```
 */
export function nostrTarget(value: string, fallback: readonly string[]): NostrTarget {
  const at = value.indexOf("@");
  const npub = at < 0 ? value : value.slice(0, at);
  let hex: string;
  try {
    hex = toHex(parsePrimary(`nostr:${npub}`).key);
  } catch {
    throw new KezError("invalid_query", `Invalid nostr: key ${JSON.stringify(npub)}: not an npub`);
  }
  const relays = at < 0 ? [...fallback] : value.slice(at + 1).split(",");
  for (const relay of relays) {
    if (!/^wss?:\/\/[^/]/i.test(relay)) {
      throw new KezError("invalid_query", `Invalid nostr relay ${JSON.stringify(relay)}`);
    }
  }
  if (relays.length === 0) {
    throw new KezError(
      "invalid_query",
      `Missing relay for nostr:${npub}: write nostr:<npub>@wss://relay,… or give relays`,
    );
  }
  return { npub, hex, relays };
}

async function connect(url: string, signal: AbortSignal | undefined): Promise<Relay> {
  // Its own controller: the library takes over the signal's onabort.
  const abort = new AbortController();
  signal?.addEventListener("abort", () => abort.abort(), { once: true });
  try {
    signal?.throwIfAborted();
    return await Relay.connect(url, { abort: abort.signal });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause ?? "aborted");
    throw new KezError("unavailable", `Cannot reach relay ${url}: ${why}`, { cause });
  }
}

/**
 * The newest event of the chain that a relay holds, checked: NIP-01 id,
 * BIP-340 signature, kind, author and `d` tag.
 *
 * @param relayUrl the relay
 * @param hex the author's key, hex
 * @param signal ends the wait
 * @returns the event, or null when the relay has none
 * @throws {KezError} `unavailable` when the relay cannot be reached;
 *   `invalid_signature` when every event it served failed the checks
 *
 * @example
 * ```ts
 * import { newestChainEvent } from "./nostr_channel.ts";
 * const hex = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
 * const e = await newestChainEvent("wss://relay.example", hex, AbortSignal.abort()).catch((e) => e);
 * if (e.code !== "unavailable") throw new Error("no relay reached is unavailable");
 * ```
 */
export async function newestChainEvent(
  relayUrl: string,
  hex: string,
  signal?: AbortSignal,
): Promise<Event | null> {
  const relay = await connect(relayUrl, signal);
  let refused = 0;
  let newest: Event | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const sub = relay.subscribe([{ kinds: [NOSTR_KIND], authors: [hex], "#d": [NOSTR_D_TAG] }], {
        onevent: (event) => {
          // The relay checked the filter and the signature already; the check
          // is repeated here so that no relay setting can skip it.
          if (!verifyEvent(event) || !isChainEvent(event, hex)) refused++;
          else if (newest === null || isNewer(event, newest)) newest = event;
        },
        oninvalidevent: () => refused++,
        oneose: () => {
          resolve();
          sub.close();
        },
        onclose: (reason) =>
          reject(new KezError("unavailable", `Relay ${relayUrl} closed: ${reason}`)),
      });
      signal?.addEventListener("abort", () => {
        sub.close();
        reject(new KezError("unavailable", `Cannot read relay ${relayUrl}: aborted`));
      }, { once: true });
    });
  } finally {
    relay.close();
  }
  if (newest === null && refused > 0) {
    throw new KezError(
      "invalid_signature",
      `Relay ${relayUrl} served ${refused} event(s) whose nostr id, signature or tags do not verify, and none that does`,
    );
  }
  return newest;
}

function isChainEvent(event: Event, hex: string): boolean {
  return event.kind === NOSTR_KIND && event.pubkey === hex &&
    event.tags.some((t) => t[0] === "d" && t[1] === NOSTR_D_TAG);
}

/** NIP-01's rule for replaceable events: the later `created_at`, then the lower id. */
function isNewer(a: Event, b: Event): boolean {
  return a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id);
}

/**
 * A `nostr:` value as sources of {@linkcode fetchChain}, one per relay.
 *
 * @param value `<npub>` or `<npub>@wss://relay,…`
 * @param options the relays to use when it names none, and the signal
 * @returns one source per relay, named `nostr:<npub>@<relay>`
 * @throws {KezError} `invalid_query` as {@linkcode nostrTarget} does
 *
 * @example
 * ```ts
 * import { nostrSources } from "./nostr_channel.ts";
 * const npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
 * const sources = nostrSources(npub, { relays: ["wss://a.example", "wss://b.example"] });
 * if (sources.map((s) => s.kind === "reader" && s.name).join() !== `nostr:${npub}@wss://a.example,nostr:${npub}@wss://b.example`) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function nostrSources(value: string, options: NostrOptions = {}): ChainSource[] {
  const { npub, hex, relays } = nostrTarget(value, options.relays ?? []);
  return relays.map((relay): ChainSource => ({
    kind: "reader",
    name: `nostr:${npub}@${relay}`,
    read: async (signal) => {
      const event = await newestChainEvent(relay, hex, signal ?? options.signal);
      if (event === null) {
        throw new KezError(
          "not_found",
          `No kind ${NOSTR_KIND} ${NOSTR_D_TAG} event of ${npub} on ${relay}`,
        );
      }
      return event.content;
    },
  }));
}

/** What one relay answered a publish. */
export interface RelayAnswer {
  /** The relay. */
  readonly relay: string;
  /** Whether it accepted the event. */
  readonly ok: boolean;
  /** Its message, or why it could not be reached. */
  readonly message: string;
}

/**
 * Signs the chain's event with the chain's own nostr key and sends it to
 * each relay. Its `created_at` is now, or a second past the event a relay
 * already holds, so that it replaces that one (NIP-01).
 *
 * @param key the chain's BIP-340 key
 * @param content the compact bundle
 * @param relays the relays
 * @param signal ends the connections
 * @returns each relay's answer
 * @throws {KezError} `invalid_primary` for an Ed25519 key: nostr events are BIP-340 signed
 *
 * @example
 * ```ts
 * import { publishNostr } from "./nostr_channel.ts";
 * import { generateKey } from "../identity.ts";
 * const e = await publishNostr(generateKey("ed25519"), "kez:zc1:", []).catch((e) => e);
 * if (e.code !== "invalid_primary") throw new Error("an Ed25519 chain has no nostr key");
 * ```
 */
export async function publishNostr(
  key: SigningKey,
  content: string,
  relays: readonly string[],
  signal?: AbortSignal,
): Promise<RelayAnswer[]> {
  const primary = primaryOfKey(key);
  if (!primary.startsWith("nostr:")) {
    throw new KezError(
      "invalid_primary",
      `Cannot publish ${primary} to nostr: nostr events are signed with BIP-340 keys, ` +
        "and an Ed25519 chain has none; publish it through a server, web:, gist: or dns:",
    );
  }
  const hex = toHex(parsePrimary(primary).key);
  return await Promise.all(relays.map(async (relay): Promise<RelayAnswer> => {
    try {
      const held = await newestChainEvent(relay, hex, signal).catch(() => null);
      const now = Math.floor(Date.now() / 1000);
      const event = finalizeEvent({
        kind: NOSTR_KIND,
        created_at: Math.max(now, (held?.created_at ?? 0) + 1),
        tags: [["d", NOSTR_D_TAG]],
        content,
      }, key.secret);
      const conn = await connect(relay, signal);
      try {
        return { relay, ok: true, message: await conn.publish(event) };
      } finally {
        conn.close();
      }
    } catch (e) {
      return { relay, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }));
}
