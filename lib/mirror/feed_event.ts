/**
 * One line of an upstream's entries feed, checked as a POST body would be
 * (spec §5 checks 3 and 4) and, beyond that, required to be the canonical
 * form of its event: a log leaf is `JCS(envelope)` exactly (§10.1).
 *
 * @module
 */

import {
  type ChainEvent,
  KezError,
  parseEnvelope,
  parseJson,
  toChainEventWith,
} from "../protocol/mod.ts";
import { MAX_ENTRY_SIZE } from "../tlog/mod.ts";
import { nativeHashLine } from "../verify/mod.ts";

const encoder = new TextEncoder();

/**
 * Parses a feed line into the event to append. Links, signature and op are
 * left to the store's append, which checks them in §5's order.
 *
 * @param line the line as served, without its newline
 * @returns the event, whose `line` equals the input
 * @throws {KezError} `invalid_json` or `invalid_event` as §5 checks 3 and 4
 *   have them; `invalid_event` when the line is not `JCS(envelope)`;
 *   `payload_too_large` when no log could hold it
 *
 * @example
 * ```ts
 * import { feedEvent } from "./feed_event.ts";
 * import { generateSecret, signEvent, toChainEvent } from "../protocol/mod.ts";
 * const alg = "ed25519-sha512-jcs";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg,
 *   secret: generateSecret(alg),
 * });
 * const { line } = toChainEvent(env);
 * if (feedEvent(line).line !== line) throw new Error("a canonical line is taken");
 * const spaced = line.replace(":", ": ");
 * const refused = (() => { try { feedEvent(spaced); } catch (e) { return e; } })();
 * if ((refused as { code?: string })?.code !== "invalid_event") throw new Error("not canonical");
 * ```
 */
export function feedEvent(line: string): ChainEvent {
  const bytes = encoder.encode(line);
  if (bytes.length > MAX_ENTRY_SIZE) {
    throw new KezError(
      "payload_too_large",
      `Cannot take entry: it is ${bytes.length} bytes, over the log's ${MAX_ENTRY_SIZE}`,
    );
  }
  const event = toChainEventWith(parseEnvelope(parseJson(bytes)), nativeHashLine);
  if (event.line !== line) {
    throw new KezError("invalid_event", "Cannot take entry: it is not JCS of its envelope");
  }
  return event;
}
