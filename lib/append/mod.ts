/**
 * Appending events (spec §5): the {@linkcode Appender} that the POST route
 * and a mirror's follower both call. It checks signatures concurrently, then
 * each batch in §5's order against the chains' tips
 * ({@linkcode checkBatch}), and hands what passes to the store as one commit.
 * The store reads, caches and commits; the rules are the protocol's.
 *
 * @example
 * ```ts
 * import { Appender } from "./mod.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const store = SqliteStore.open(":memory:");
 * {
 *   await using appender = new Appender(store);
 *   const alg = "nostr-secp256k1-schnorr-sha256-jcs";
 *   const event = toChainEvent(signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, { alg, secret: generateSecret(alg) }));
 *   if ((await appender.append(event)).seq !== 0) throw new Error("stored");
 * }
 * await store.close();
 * ```
 *
 * @module
 */

export * from "./appender.ts";
export * from "./batch_tip.ts";
export * from "./check_batch.ts";
