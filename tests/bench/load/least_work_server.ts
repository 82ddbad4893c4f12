/**
 * The least work a server must do for a POST of an Ed25519 event, and nothing
 * more: the body read in one runtime operation, its JSON parsed, the key made
 * (which is §1.1's point check), the signature checked with `node:crypto`
 * over the payload's JCS, and the event's line (the envelope's JCS) hashed
 * with `node:crypto`'s SHA-256 for the `201` — no store, no chain, no log, no
 * limits or deadlines, no routing, no other checks. Its rate bounds what any
 * server on this runtime and machine could take for the same requests; the
 * benchmark sets it beside the POST target's limit.
 *
 * ```sh
 * deno run -A tests/bench/load/least_work_server.ts --port 8000
 * ```
 *
 * @module
 */

import { verify } from "node:crypto";
import { parseArgs } from "node:util";
import {
  canonicalBytes,
  canonicalize,
  fromHex,
  type JsonValue,
} from "../../../lib/protocol/mod.ts";
import { ed25519KeyObject, nativeHashLine } from "../../../lib/verify/mod.ts";

/**
 * The `201` of one POST, or `400` when its signature does not verify.
 *
 * @param body the request body: one envelope
 * @returns the answer
 * @throws {SyntaxError} when the body is not JSON; {TypeError} when it is not an envelope
 *   (the benchmark sends only signed events)
 *
 * @example
 * ```ts
 * import { leastWork } from "./least_work_server.ts";
 * import { ChainWriter } from "./events.ts";
 * import { ed25519Signer } from "./signers.ts";
 * const event = new ChainWriter(ed25519Signer()).next();
 * const res = leastWork(new TextEncoder().encode(event.line));
 * if ((await res.json()).hash !== event.hash) throw new Error("the event's hash");
 * ```
 */
export function leastWork(body: Uint8Array): Response {
  const envelope = JSON.parse(new TextDecoder().decode(body));
  // Made as the server makes it: the point check of §1.1, and the key the check uses.
  const key = ed25519KeyObject(fromHex(envelope.payload.primary.slice("ed25519:".length)));
  const signed = canonicalBytes(envelope.payload as JsonValue);
  if (key === null || !verify(null, signed, key, fromHex(envelope.signature.sig))) {
    return new Response(null, { status: 400 });
  }
  const line = canonicalize(envelope as JsonValue);
  const created = { seq: envelope.payload.seq, hash: nativeHashLine(line) };
  return new Response(JSON.stringify(created), {
    status: 201,
    headers: { "content-type": "application/json" },
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string" } },
  });
  Deno.serve(
    { hostname: "127.0.0.1", port: Number(values.port), onListen: () => {} },
    async (req) => req.method === "POST" ? leastWork(await req.bytes()) : new Response("ok"),
  );
}
