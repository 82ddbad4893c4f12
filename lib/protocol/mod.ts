/**
 * The KEZ sigchain protocol core (spec §1–§5, §8): identifiers, strict JSON
 * and its canonical form, event envelopes, hashes, signatures, the append
 * checks in §5's order, the active-subject rule, the spec's limits, and chain
 * verification. Pure: no I/O, no HTTP, no storage, so it runs
 * in a browser as well as on the server.
 *
 * @example
 * ```ts
 * import { generateSecret, Sigchain, signEvent } from "./mod.ts";
 * const key = { alg: "nostr-secp256k1-schnorr-sha256-jcs", secret: generateSecret("nostr-secp256k1-schnorr-sha256-jcs") } as const;
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:jason" }, key);
 * const chain = new Sigchain(env.payload.primary);
 * chain.append(env);
 * if (!chain.isActive("github:jason")) throw new Error("not active");
 * ```
 *
 * @module
 */

export * from "./active_subjects.ts";
export * from "./append_check.ts";
export * from "./envelope.ts";
export * from "./error.ts";
export * from "./event.ts";
export * from "./hex.ts";
export * from "./identifier.ts";
export * from "./jcs.ts";
export * from "./json.ts";
export * from "./limits.ts";
export * from "./reconcile.ts";
export * from "./sigchain.ts";
export * from "./signature.ts";
export * from "./timestamp.ts";
export * from "./webcrypto_ed25519.ts";
