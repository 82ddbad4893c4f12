/**
 * The witness's HTTP interface: `POST /add-checkpoint` at the root, which is
 * both its submission and its monitoring prefix, answered as
 * c2sp.org/tlog-witness says; anything else is a plain 404 or 405.
 *
 * @module
 */

import { readAtMost } from "../client/channels/bounded_read.ts";
import type { Logger } from "../log/mod.ts";
import type { Witness } from "./witness.ts";

/** The largest request body: 63 proof lines and a checkpoint with many cosignatures fit well. */
export const MAX_WITNESS_BODY = 64 * 1024;

function text(status: number, body: string, type = "text/plain; charset=utf-8"): Response {
  return new Response(body, { status, headers: { "content-type": type } });
}

/**
 * Makes the witness's request handler.
 *
 * @param witness the witness
 * @param logger where refused requests are written; those of a known log that fail
 *   their proof or conflict are kept whole, as evidence of the log's misbehaviour
 * @returns the handler for `Deno.serve`
 *
 * @example
 * ```ts
 * import { ed25519 } from "@noble/curves/ed25519.js";
 * import { witnessHandler } from "./witness_handler.ts";
 * import { Witness } from "./witness.ts";
 * import { createLogger } from "../log/mod.ts";
 * import { WitnessDb } from "../store/mod.ts";
 * import { cosignerKey } from "../tlog/mod.ts";
 * const seed = new Uint8Array(32);
 * const witness = new Witness({
 *   key: cosignerKey("w", ed25519.getPublicKey(seed)), sign: (m) => ed25519.sign(m, seed),
 *   logs: [], db: WitnessDb.open(":memory:"),
 * });
 * const handle = witnessHandler(witness, createLogger("error"));
 * const res = await handle(new Request("http://w/add-checkpoint", { method: "POST", body: "old x" }));
 * if (res.status !== 400) throw new Error(String(res.status));
 * ```
 */
export function witnessHandler(
  witness: Witness,
  logger: Logger,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path !== "/add-checkpoint") return text(404, "Not found\n");
    if (request.method !== "POST") {
      return new Response("Method not allowed\n", { status: 405, headers: { allow: "POST" } });
    }
    const bytes = request.body === null
      ? new Uint8Array()
      : await readAtMost(request.body, MAX_WITNESS_BODY);
    if (bytes === null) return text(413, `A request body is at most ${MAX_WITNESS_BODY} bytes\n`);
    let body: string;
    try {
      body = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return text(400, "The body is not UTF-8\n");
    }
    const answer = witness.addCheckpoint(body);
    if (answer.status === 200) return text(200, answer.body);
    // A 409 is how a submitter learns the size held, so it is routine; a proof
    // that fails is a log's signed claim of a history that does not extend it.
    const evidence = answer.status === 409 || answer.status === 422;
    (answer.status === 422 ? logger.warn : logger.info)(
      `add-checkpoint refused with ${answer.status}: ${answer.reason}` +
        (evidence ? `; request ${JSON.stringify(body)}` : ""),
    );
    if (answer.status === 409) return text(409, `${answer.size}\n`, "text/x.tlog.size");
    return text(answer.status, `${answer.reason}\n`);
  };
}
