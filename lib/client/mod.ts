/**
 * The KEZ client: talk to kez-sig-server, publish a local chain, fetch a
 * chain from several sources and reconcile the copies (spec §8), tell
 * whether a subject is active, and check servers' transparency logs (spec
 * §10.4): pinned or trusted-on-first-use keys, kept checkpoints, inclusion
 * of every head served, and a monitor that replays a whole log. Pure: `fetch`, web platform APIs and the
 * protocol core only, so it runs in a browser as well as in Deno. Every
 * failure is a {@linkcode KezError} carrying the spec's code — the server's,
 * when the server refused.
 *
 * @example
 * ```ts
 * import { appendEvent, generateKey, KezClient, primaryOfKey } from "./mod.ts";
 * import { Sigchain } from "../protocol/mod.ts";
 * const key = generateKey("nostr");
 * const chain = new Sigchain(primaryOfKey(key));
 * appendEvent(chain, key, "add", "github:jason");
 * // A stub server that holds no chain yet and stores whatever is posted.
 * const posted: string[] = [];
 * const fetch = (_url: string, init?: RequestInit) => {
 *   if (init?.method === "POST") {
 *     posted.push(String(init.body));
 *     return Promise.resolve(Response.json({ seq: 0, hash: chain.head }, { status: 201 }));
 *   }
 *   return Promise.resolve(Response.json({ error: { code: "not_found", message: "No sigchain" } }, { status: 404 }));
 * };
 * const result = await new KezClient("http://localhost:7878", { fetch }).publish(chain);
 * if (result.posted !== 1 || posted[0] !== chain.events[0]!.line) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export { KezError } from "../protocol/mod.ts";
export * from "./active.ts";
export * from "./author.ts";
export * from "./channels/mod.ts";
export * from "./checkpoint_checker.ts";
export * from "./client.ts";
export * from "./compare.ts";
export * from "./fetch_chain.ts";
export * from "./http.ts";
export * from "./identity.ts";
export * from "./incremental.ts";
export * from "./log_alarm.ts";
export * from "./log_api.ts";
export * from "./log_monitor.ts";
export * from "./log_replay.ts";
export * from "./log_state.ts";
export * from "./log_tree.ts";
export * from "./log_verifier.ts";
export * from "./witness_quorum.ts";
export * from "./logged_chain.ts";
export * from "./monitor_finding.ts";
export * from "./publish.ts";
export * from "./text.ts";
