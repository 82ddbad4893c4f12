/**
 * A read-only mirror of another server (`kez-sig-server mirror`): it follows
 * the upstream's transparency log, re-checks every event as a POST would be
 * checked, stores them in the same order, and checks the upstream's signed
 * checkpoints with the client's checker and against its own tree (spec
 * §10.4). On a lie it stops following and logs the alarm and its evidence;
 * the server keeps serving what it has.
 *
 * @example
 * ```ts
 * import { defaultPinPath, Follower, UpstreamPin } from "./mod.ts";
 * import { Appender } from "../append/mod.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * import { createLogger } from "../log/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "mirror.example/log", seed: new Uint8Array(32) } });
 * const follower = Follower.start({
 *   store: new Appender(store),
 *   upstream: "http://127.0.0.1:9",
 *   pin: await UpstreamPin.load(defaultPinPath(":memory:")),
 *   logger: createLogger("error"),
 * });
 * await follower.stop();
 * await store.close();
 * ```
 *
 * @module
 */

export * from "./feed_event.ts";
export * from "./follower.ts";
export * from "./upstream_pin.ts";
