/**
 * Signature verification for the server: BIP-340 on a pool of worker
 * threads so that the thread serving HTTP spends its time on HTTP, Ed25519
 * on that thread, where `node:crypto` costs it less than the hop.
 *
 * @example
 * ```ts
 * import { SignatureVerifier } from "./mod.ts";
 * const verifier = new SignatureVerifier(1);
 * verifier.close();
 * ```
 *
 * @module
 */

export * from "./ed25519_key.ts";
export * from "./line_hash.ts";
export * from "./signature_verifier.ts";
export * from "./verify_pool.ts";
export * from "./verify_worker.ts";
