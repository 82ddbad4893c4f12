/**
 * The channels a chain travels by besides a server (`web:`, `gist:`, `dns:`,
 * `nostr:`), and the compact bundle that carries it where a file cannot go.
 * Each channel is a source of `fetchChain`, so every copy it brings is
 * verified and reconciled as any other (spec §8).
 *
 * @example
 * ```ts
 * import { channelSources, encodeCompactBundle } from "./mod.ts";
 * import { fetchChain } from "../fetch_chain.ts";
 * const primary = "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * const bundle = await encodeCompactBundle("");
 * const fetch = () => Promise.resolve(new Response(bundle));
 * const result = await fetchChain(primary, channelSources("web:jason.example", { fetch })!);
 * if (result.verdicts[0]?.status !== "valid") throw new Error("an empty bundle is an empty chain");
 * ```
 *
 * @module
 */

export * from "./bounded_read.ts";
export * from "./channel_source.ts";
export * from "./compact_bundle.ts";
export * from "./dns_channel.ts";
export * from "./gist_channel.ts";
export * from "./nostr_channel.ts";
export * from "./web_channel.ts";
