/**
 * `GET /v1/log/checkpoint/witnessed`: the latest checkpoint that met the
 * witness policy's quorum, with the log's signature and every cosignature
 * line; and tlog-proofs of a chain's events in it (`…/proof/witnessed`).
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";
import type { Store, TransparencyLog, WitnessedNote } from "../store/mod.ts";
import { proofRoutes } from "./log_routes.ts";
import { STRING, TEXT } from "./operation.ts";
import { textResponse } from "./responses.ts";
import { pathPattern, type Route } from "./router.ts";

/**
 * The route of the witnessed checkpoint.
 *
 * @param witnessed reads the latest witnessed checkpoint
 * @returns the route
 *
 * @example
 * ```ts
 * import { witnessedRoute } from "./witnessed_route.ts";
 * const route = witnessedRoute(() => Promise.resolve({ size: 1, note: "cosigned\n" }));
 * const ctx = { req: new Request("http://x/"), params: {}, search: "", headers: [] };
 * if ((await (await route.handler(ctx)).text()) !== "cosigned\n") throw new Error("unexpected");
 * ```
 */
export function witnessedRoute(witnessed: () => Promise<WitnessedNote | null>): Route {
  return {
    method: "GET",
    pattern: pathPattern("/v1/log/checkpoint/witnessed"),
    handler: async ({ headers }) => {
      const found = await witnessed();
      if (found === null) {
        throw new KezError("not_found", "No checkpoint has met the witness quorum yet");
      }
      return textResponse(200, found.note, TEXT, [...headers, ["cache-control", "no-cache"]]);
    },
    doc: {
      summary: "The latest checkpoint that met the --witness-policy quorum, with its " +
        "cosignature/v1 lines (C2SP tlog-cosignature); absent without a witness policy",
      ok: [200, "The checkpoint and its cosignatures; Cache-Control: no-cache", TEXT, STRING],
      errors: ["not_found"],
    },
  };
}

/**
 * The witnessed checkpoint's routes: the checkpoint itself, and tlog-proofs
 * of a chain's events and head in it, whose checkpoint carries the
 * cosignatures, so that one answer shows a quorum-requiring client the event
 * in a history the witnesses saw.
 *
 * @param witnessed reads the latest witnessed checkpoint
 * @param store where chains live
 * @param log the store's transparency log
 * @returns the routes
 *
 * @example
 * ```ts
 * import { witnessedRoutes } from "./witnessed_route.ts";
 * import { SqliteStore } from "../store/mod.ts";
 * const store = SqliteStore.open(":memory:", { log: { origin: "example.com/log", seed: new Uint8Array(32) } });
 * const routes = witnessedRoutes(() => Promise.resolve(null), store, store.log!);
 * await store.close();
 * if (routes.length !== 3) throw new Error("the checkpoint and two proofs");
 * ```
 */
export function witnessedRoutes(
  witnessed: () => Promise<WitnessedNote | null>,
  store: Store,
  log: TransparencyLog,
): Route[] {
  return [
    witnessedRoute(witnessed),
    ...proofRoutes(store, log, "/witnessed", "the latest witnessed checkpoint", witnessed),
  ];
}
