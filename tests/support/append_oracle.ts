/**
 * Test support: the answer the server must give to a POST, worked out with
 * the protocol library alone, in the order of §5's checks. A fuzzer compares
 * every answer with it, and keeps the chain the server must hold.
 *
 * @module
 */

import {
  type ChainEvent,
  checkAppend,
  ERROR_STATUS,
  KezError,
  MAX_BODY_BYTES,
  parseEventBody,
  primaryFromPath,
  type Sigchain,
  signatureVerdict,
} from "../../lib/protocol/mod.ts";

/** What the server must answer. */
export type Expected =
  | { readonly status: 201; readonly event: ChainEvent }
  | { readonly status: number; readonly code: string };

/**
 * Works out the answer to `POST /v1/sigchains/{scheme}/{id}/events` with this
 * body, for a chain that holds exactly `chain`.
 *
 * @param scheme the `{scheme}` path segment, as sent
 * @param id the `{id}` path segment, as sent
 * @param body the request body
 * @param chain the chain of the primary the path names (ignored when the path names none)
 * @returns `201` and the event to append to `chain`, or the error status and code
 *
 * @example
 * ```ts
 * import { expectedAnswer } from "./append_oracle.ts";
 * import { Sigchain } from "../../lib/protocol/mod.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * const chain = new Sigchain(`ed25519:${hex}`);
 * const got = expectedAnswer("ed25519", hex, new TextEncoder().encode("[]"), chain);
 * if (got.status !== 400 || !("code" in got) || got.code !== "invalid_json") throw new Error("unexpected");
 * ```
 */
export function expectedAnswer(
  scheme: string,
  id: string,
  body: Uint8Array,
  chain: Sigchain,
): Expected {
  try {
    const primary = primaryFromPath(scheme, id);
    if (body.length > MAX_BODY_BYTES) {
      return { status: ERROR_STATUS.payload_too_large, code: "payload_too_large" };
    }
    const event = parseEventBody(body, primary);
    checkAppend(chain, event.envelope, signatureVerdict(event.envelope));
    return { status: 201, event };
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    return { status: ERROR_STATUS[e.code], code: e.code };
  }
}
