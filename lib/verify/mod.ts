/**
 * Signature verification for the server, on a pool of worker threads so
 * that the thread serving HTTP spends its time on HTTP.
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

export * from "./signature_verifier.ts";
export * from "./verify_pool.ts";
export * from "./verify_worker.ts";
